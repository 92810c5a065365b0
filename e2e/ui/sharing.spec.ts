import crypto from "node:crypto";
import type { APIRequestContext, Page } from "@playwright/test";
import { expect, issueToken, randomName, test } from "../fixtures";
import type { IdentityAdmin } from "../support/identity";
import { ImageApi, type Img } from "../support/images";
import { gotoReady, signIn } from "./helpers";

// Sharing between two projects through the dashboard: the owner project adds a member project
// found by name, the member project decides in its "Shared with us" inbox (with a count in the
// navigation), and can change its mind. Every step is checked through the API as well.

interface Party {
  project: { id: string; name: string };
  user: { id: string; name: string; password: string };
  api: ImageApi;
}

async function party(identity: IdentityAdmin, request: APIRequestContext, prefix: string): Promise<Party> {
  const project = await identity.createProject(randomName(prefix));
  const user = await identity.createUser();
  await identity.grant(project.id, user.id, "member");
  const { token } = await issueToken(request, user.name, user.password, project.name);
  return { project, user, api: new ImageApi(request, token) };
}

async function activeImage(api: ImageApi, body: Record<string, unknown> = {}): Promise<Img> {
  const image = await api.create(body);
  const res = await api.request.put(`/image/v2/images/${image.id}/file`, {
    headers: { ...api.h, "content-type": "application/octet-stream" },
    data: crypto.randomBytes(4096),
  });
  expect(res.status(), await res.text()).toBe(204);
  return image;
}

async function share(owner: Party, image: Img, member: Party) {
  const res = await owner.api.request.post(`/image/v2/images/${image.id}/members`, {
    headers: owner.api.h,
    data: { member: member.project.id },
  });
  expect(res.status(), await res.text()).toBe(200);
}

async function memberStatus(api: ImageApi, imageId: string, projectId: string) {
  const res = await api.request.get(`/image/v2/images/${imageId}/members/${projectId}`, { headers: api.h });
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { status: string }).status;
}

/** Signs the browser out of one account and into another. */
async function switchUser(page: Page, who: Party) {
  await page.context().clearCookies();
  await signIn(page, who.user.name, who.user.password);
}

const badge = (page: Page) =>
  page.getByRole("navigation", { name: "Main" }).getByTestId("pending-shares-count");

test("the owner shares an image with a project found by name; its member sees the count, accepts, and the image joins their list", async ({
  page,
  identity,
  request,
}) => {
  const owner = await party(identity, request, "owner");
  const member = await party(identity, request, "partners");
  const image = await activeImage(owner.api, { visibility: "private", name: randomName("shared-img") });

  // The owner: a private image has no members until it is made shared.
  await signIn(page, owner.user.name, owner.user.password);
  await gotoReady(page, `/images/${image.id}`);
  const sharing = page.getByRole("region", { name: "Sharing" });
  await expect(sharing).toContainText("This image is private");
  await sharing.getByRole("button", { name: "Make it shared" }).click();
  await expect(sharing.getByRole("combobox", { name: "Share with a project" })).toBeVisible();
  expect(((await (await owner.api.get(image.id)).json()) as Img).visibility).toBe("shared");

  // Search the other project by name, from the keyboard.
  const combo = sharing.getByRole("combobox", { name: "Share with a project" });
  await combo.click();
  await combo.pressSequentially(member.project.name.slice(0, 1));
  await expect(sharing.getByText("Type at least 2 characters.")).toBeVisible();
  await combo.pressSequentially(member.project.name.slice(1));
  const option = sharing.getByRole("option", { name: new RegExp(member.project.name) });
  await expect(option).toBeVisible();
  await expect(combo).toHaveAttribute("aria-expanded", "true");
  await combo.press("ArrowDown");
  await expect(option).toHaveAttribute("aria-selected", "true");
  await expect(combo).toHaveAttribute("aria-activedescendant", (await option.getAttribute("id"))!);
  await combo.press("Enter");

  const row = sharing.getByTestId("member-row").filter({ hasText: member.project.name });
  await expect(row).toBeVisible();
  await expect(row.getByTestId("member-status")).toHaveText("pending");
  await expect(row).toContainText(`by ${owner.user.name}`);
  await expect(row).toContainText("Not yet");
  await expect.poll(() => memberStatus(owner.api, image.id, member.project.id)).toBe("pending");

  // The member: a count in the navigation, the image in the inbox with who shared it.
  await switchUser(page, member);
  await expect(badge(page)).toHaveText(/^1/);
  await page.getByRole("link", { name: /Shared with us/ }).click();
  await expect(page.getByRole("heading", { name: "Shared with us" })).toBeVisible();
  await expect(page.getByRole("tab", { name: /Waiting/ })).toHaveAttribute("aria-selected", "true");
  const inboxRow = page.getByTestId("shared-row").filter({ hasText: image.name! });
  await expect(inboxRow).toContainText(owner.project.name);
  // Not in the project's image list yet (Glance lists accepted shares only).
  await expect.poll(() => member.api.ids(`id=${image.id}`)).toEqual([]);

  await inboxRow.getByRole("button", { name: `Accept ${image.name}` }).click();
  await expect(page.getByText(`Accepted ${image.name}`)).toBeVisible();
  await expect(badge(page)).toBeHidden();
  await expect(page.getByTestId("shared-row").filter({ hasText: image.name! })).toBeHidden();
  await expect.poll(() => memberStatus(member.api, image.id, member.project.id)).toBe("accepted");

  await page.getByRole("tab", { name: /Accepted/ }).click();
  await expect(page).toHaveURL(/\/shared\?status=accepted$/);
  await expect(page.getByTestId("shared-row").filter({ hasText: image.name! })).toContainText("accepted");

  // The accepted image is in the member's image list, in the page and in the API.
  await page.getByRole("link", { name: "Images", exact: true }).click();
  await expect(page.getByRole("link", { name: image.name! })).toBeVisible();
  await expect.poll(() => member.api.ids(`id=${image.id}`)).toEqual([image.id]);

  // The owner sees who decided and when.
  const res = await owner.api.request.get(`/api/dashboard/images/${image.id}/members`, {
    headers: owner.api.h,
  });
  const [m] = (await res.json()).members as {
    status: string;
    decided_by: { name: string };
    decided_at: string;
  }[];
  expect(m).toMatchObject({ status: "accepted", decided_by: { name: member.user.name } });
  await switchUser(page, owner);
  await gotoReady(page, `/images/${image.id}`);
  const decided = page.getByTestId("member-row").filter({ hasText: member.project.name });
  await expect(decided.getByTestId("member-status")).toHaveText("accepted");
  await expect(decided).toContainText(`by ${member.user.name}`);
});

test("a member rejects a shared image, then changes its mind both ways", async ({
  page,
  identity,
  request,
}) => {
  const owner = await party(identity, request, "owner");
  const member = await party(identity, request, "consumer");
  const first = await activeImage(owner.api, { visibility: "shared", name: randomName("first") });
  const second = await activeImage(owner.api, { visibility: "shared", name: randomName("second") });
  await share(owner, first, member);
  await share(owner, second, member);

  await signIn(page, member.user.name, member.user.password);
  await expect(badge(page)).toHaveText(/^2/);
  await gotoReady(page, "/shared");
  await page
    .getByTestId("shared-row")
    .filter({ hasText: first.name! })
    .getByRole("button", { name: `Reject ${first.name}` })
    .click();
  await expect(badge(page)).toHaveText(/^1/);
  await expect.poll(() => memberStatus(member.api, first.id, member.project.id)).toBe("rejected");
  await expect(page.getByTestId("shared-row")).toHaveCount(1);

  // Changed its mind: accept the rejected one (the tabs work from the keyboard).
  await page.getByRole("tab", { name: /Waiting/ }).focus();
  await page.keyboard.press("ArrowLeft");
  await expect(page.getByRole("tab", { name: /Rejected/ })).toBeFocused();
  await expect(page.getByRole("tab", { name: /Rejected/ })).toHaveAttribute("aria-selected", "true");
  const rejected = page.getByTestId("shared-row").filter({ hasText: first.name! });
  await expect(rejected.getByTestId("member-status")).toHaveText("rejected");
  await expect(rejected.getByRole("button", { name: `Reject ${first.name}` })).toHaveCount(0);
  await rejected.getByRole("button", { name: `Accept ${first.name}` }).click();
  await expect(page.getByTestId("shared-row").filter({ hasText: first.name! })).toBeHidden();
  await expect.poll(() => memberStatus(member.api, first.id, member.project.id)).toBe("accepted");
  await expect.poll(() => member.api.ids(`id=${first.id}`)).toEqual([first.id]);
  await expect(badge(page)).toHaveText(/^1/); // the second still waits

  // And back: reject the accepted one; it leaves the project's image list.
  await page.getByRole("tab", { name: /Accepted/ }).click();
  await page
    .getByTestId("shared-row")
    .filter({ hasText: first.name! })
    .getByRole("button", { name: `Reject ${first.name}` })
    .click();
  await expect(page.getByTestId("shared-row").filter({ hasText: first.name! })).toBeHidden();
  await expect.poll(() => memberStatus(member.api, first.id, member.project.id)).toBe("rejected");
  await expect.poll(() => member.api.ids(`id=${first.id}`)).toEqual([]);
  await expect(page.getByRole("tab", { name: /Rejected/ })).toContainText("(1)");

  // A decision the server refuses is undone on the page: the owner stopped sharing meanwhile.
  // (Wait for the tab's own refresh first, so that the page still shows the offer when it goes.)
  const refreshed = page.waitForResponse((r) =>
    r.url().includes("/api/dashboard/shared-images?member_status=pending"),
  );
  await page.getByRole("tab", { name: /Waiting/ }).click();
  await refreshed;
  const secondRow = page.getByTestId("shared-row").filter({ hasText: second.name! });
  await expect(secondRow).toBeVisible();
  const del = await owner.api.request.delete(`/image/v2/images/${second.id}/members/${member.project.id}`, {
    headers: owner.api.h,
  });
  expect(del.status()).toBe(204);
  await secondRow.getByRole("button", { name: `Accept ${second.name}` }).click();
  await expect(page.getByRole("alert").filter({ hasText: /not found|no image/i })).toBeVisible();
  // Once refreshed from the server the offer is gone for good, and so is the count.
  await expect(page.getByTestId("shared-row").filter({ hasText: second.name! })).toBeHidden();
  await expect(badge(page)).toBeHidden();
});

test("the owner stops sharing with a project from the image's page", async ({ page, identity, request }) => {
  const owner = await party(identity, request, "owner");
  const member = await party(identity, request, "former");
  const image = await activeImage(owner.api, { visibility: "shared" });
  await share(owner, image, member);

  await signIn(page, owner.user.name, owner.user.password);
  await gotoReady(page, `/images/${image.id}`);
  const row = page.getByTestId("member-row").filter({ hasText: member.project.name });
  await row.getByRole("button", { name: `Stop sharing with ${member.project.name}` }).click();
  const dialog = page.getByRole("dialog", { name: `Stop sharing with ${member.project.name}?` });
  await dialog.getByRole("button", { name: "Stop sharing" }).click();
  await expect(page.getByText("Not shared with any project yet.")).toBeVisible();
  const res = await owner.api.request.get(`/image/v2/images/${image.id}/members`, { headers: owner.api.h });
  expect((await res.json()).members).toEqual([]);
  // The former member no longer sees the image at all.
  expect((await member.api.get(image.id)).status()).toBe(404);
});
