import crypto from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, issueToken, randomName, test } from "../fixtures";
import { ImageApi } from "../support/images";
import { gotoReady, signIn } from "./helpers";

// The pages added for sharing and launching pass axe (no serious or critical WCAG 2 A/AA
// violation) in both themes: the image page's sharing section with its combobox open, the
// "Shared with us" inbox on each tab, the picker with an image chosen, and the create dialog
// showing a detected-format problem.

async function serious(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

for (const theme of ["light", "dark"] as const)
  test(`sharing, the shared inbox, the picker and the format check pass axe (${theme} theme)`, async ({
    page,
    identity,
    request,
  }) => {
    const owner = await identity.projectWithUser("member");
    const member = await identity.projectWithUser("member");
    const ownerApi = new ImageApi(
      request,
      (await issueToken(request, owner.user.name, owner.user.password, owner.project.name)).token,
    );
    const image = await ownerApi.create({ visibility: "shared", os_distro: "debian", os_version: "12" });
    await ownerApi.request.put(`/image/v2/images/${image.id}/file`, {
      headers: { ...ownerApi.h, "content-type": "application/octet-stream" },
      data: crypto.randomBytes(2048),
    });
    for (const m of [member.project.id]) {
      const res = await ownerApi.request.post(`/image/v2/images/${image.id}/members`, {
        headers: ownerApi.h,
        data: { member: m },
      });
      expect(res.status()).toBe(200);
    }
    const other = await identity.createProject(randomName("axe-partner"));
    await page.addInitScript((t) => localStorage.setItem("iris-theme", t), theme);

    // The owner's image page: members table and the combobox with suggestions open.
    await signIn(page, owner.user.name, owner.user.password);
    await gotoReady(page, `/images/${image.id}`);
    await expect(page.getByTestId("member-row")).toHaveCount(1);
    const combo = page.getByRole("combobox", { name: "Share with a project" });
    await combo.fill(other.name);
    await expect(page.getByRole("option", { name: new RegExp(other.name) })).toBeVisible();
    expect(await serious(page)).toEqual([]);

    // The create dialog explaining a refusal before the upload.
    await gotoReady(page, "/images");
    await page.getByRole("button", { name: "Create image" }).click();
    const dialog = page.getByRole("dialog", { name: "Create image" });
    await dialog.getByLabel("Image file").setInputFiles({
      name: "random.qcow2",
      mimeType: "",
      buffer: crypto.randomBytes(4096),
    });
    await expect(dialog.getByTestId("format-problem")).toBeVisible();
    expect(await serious(page)).toEqual([]);
    await page.keyboard.press("Escape");

    // The picker, with an image chosen.
    await gotoReady(page, "/picker");
    await page.getByRole("button", { name: `Choose ${image.name}` }).click();
    await expect(page.getByTestId("server-create-command")).toBeVisible();
    expect(await serious(page)).toEqual([]);

    // The member's inbox, every tab, with the navigation badge.
    await page.context().clearCookies();
    await signIn(page, member.user.name, member.user.password);
    await gotoReady(page, "/shared");
    await expect(page.getByTestId("pending-shares-count")).toBeVisible();
    await expect(page.getByTestId("shared-row")).toHaveCount(1);
    expect(await serious(page)).toEqual([]);
    for (const tab of ["Accepted", "Rejected"]) {
      await page.getByRole("tab", { name: new RegExp(tab) }).click();
      await expect(page.getByRole("tabpanel")).toBeVisible();
      expect(await serious(page)).toEqual([]);
    }
  });
