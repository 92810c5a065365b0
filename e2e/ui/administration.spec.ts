import AxeBuilder from "@axe-core/playwright";
import type { APIRequestContext, Page } from "@playwright/test";
import { ADMIN, expect, test } from "../fixtures";
import { createImage, memberSession, put } from "../support/data";
import { gotoReady, signIn } from "./helpers";

// The administration pages of issue 7: quotas and usage, stores, the audit log. What the browser
// changes is checked through the API, and what the API did is looked for in the browser.

const MiB = 1024 * 1024;

interface WireLimit {
  id: string;
  resource_name: string;
  resource_limit: number;
}

async function projectLimits(request: APIRequestContext, token: string, projectId: string) {
  const r = await request.get(`/identity/v3/limits?project_id=${projectId}`, {
    headers: { "x-auth-token": token },
  });
  expect(r.status()).toBe(200);
  return (await r.json()).limits as WireLimit[];
}

async function setLimits(
  request: APIRequestContext,
  token: string,
  projectId: string,
  limits: Record<string, number>,
) {
  const h = { "x-auth-token": token };
  const services = await (await request.get("/identity/v3/services?type=image", { headers: h })).json();
  const service_id = services.services[0].id as string;
  const r = await request.post("/identity/v3/limits", {
    headers: h,
    data: {
      limits: Object.entries(limits).map(([resource_name, resource_limit]) => ({
        service_id,
        project_id: projectId,
        resource_name,
        resource_limit,
      })),
    },
  });
  expect(r.status(), await r.text()).toBe(201);
}

test("an admin sets, changes and removes a project's limit; invalid values and API refusals are explained", async ({
  page,
  request,
  identity,
  adminToken,
}) => {
  const project = await identity.createProject();
  await signIn(page, ADMIN.name, ADMIN.password);
  await gotoReady(page, `/admin/projects/${project.id}`);
  const quotas = page.getByRole("table", { name: `Quotas of ${project.name}` });
  const images = quotas.locator('tr[data-resource="image_count_total"]');
  await expect(images).toContainText("default");

  // Refused in the browser, with what is wrong.
  await page.getByRole("button", { name: "Set limit for Images" }).click();
  const dialog = page.getByRole("dialog", { name: `Images limit for ${project.name}` });
  const field = dialog.getByLabel("Limit (images)");
  await field.fill("ten");
  await dialog.getByRole("button", { name: "Save limit" }).click();
  await expect(dialog.getByRole("alert")).toHaveText(/“ten” is not a whole number/);
  await field.fill("-5");
  await dialog.getByRole("button", { name: "Save limit" }).click();
  await expect(dialog.getByRole("alert")).toHaveText(/cannot be below -1/);
  expect(await projectLimits(request, adminToken, project.id)).toEqual([]);

  // Set (POST /v3/limits).
  await field.fill("7");
  await dialog.getByRole("button", { name: "Save limit" }).click();
  await expect(dialog).toBeHidden();
  await expect(images.getByTestId("limit-image_count_total")).toHaveText("7");
  await expect(images).toContainText("own limit");
  let limits = await projectLimits(request, adminToken, project.id);
  expect(limits.map((l) => [l.resource_name, l.resource_limit])).toEqual([["image_count_total", 7]]);

  // Change (PATCH /v3/limits/{id}); sizes are MiB.
  await page.getByRole("button", { name: "Change limit for Images" }).click();
  await dialog.getByLabel("Limit (images)").fill("9");
  await dialog.getByRole("button", { name: "Save limit" }).click();
  await expect(images.getByTestId("limit-image_count_total")).toHaveText("9");
  await page.getByRole("button", { name: "Set limit for Image storage" }).click();
  const sizeDialog = page.getByRole("dialog", { name: `Image storage limit for ${project.name}` });
  await sizeDialog.getByLabel("Limit (MiB)").fill("2048");
  await expect(sizeDialog.getByText("2048 MiB is 2 GiB")).toBeVisible();
  await sizeDialog.getByRole("button", { name: "Save limit" }).click();
  await expect(quotas.getByTestId("limit-image_size_total")).toHaveText("2 GiB");
  limits = await projectLimits(request, adminToken, project.id);
  expect(Object.fromEntries(limits.map((l) => [l.resource_name, l.resource_limit]))).toEqual({
    image_count_total: 9,
    image_size_total: 2048,
  });

  // Remove (DELETE /v3/limits/{id}): back to the default.
  await page.getByRole("button", { name: "Use default for Images" }).click();
  await expect(page.getByRole("button", { name: "Use default for Images" })).toHaveCount(0);
  await expect(images).toContainText("default");
  limits = await projectLimits(request, adminToken, project.id);
  expect(limits.map((l) => l.resource_name)).toEqual(["image_size_total"]);

  // The API's refusal, in its words: someone else set this limit since the page loaded (409).
  await setLimits(request, adminToken, project.id, { image_stage_total: 5 });
  await page.getByRole("button", { name: "Set limit for Staging area" }).click();
  const stageDialog = page.getByRole("dialog", { name: `Staging area limit for ${project.name}` });
  await stageDialog.getByLabel("Limit (MiB)").fill("10");
  await stageDialog.getByRole("button", { name: "Save limit" }).click();
  await expect(stageDialog.getByRole("alert")).toContainText("a limit for that project and resource exists");
  await stageDialog.getByRole("button", { name: "Cancel" }).click();
});

test("usage bars show a project's real usage after an upload through the API", async ({
  page,
  request,
  identity,
  adminToken,
}) => {
  const { project, token } = await memberSession(identity, request);
  await setLimits(request, adminToken, project.id, { image_count_total: 4, image_size_total: 10 });
  const image = await createImage(request, token);
  const up = await put(request, token, image.id, Buffer.alloc(3 * MiB, 7));
  expect(up.status(), await up.text()).toBe(204);
  await createImage(request, token); // queued: counts as an image, holds no data

  await signIn(page, ADMIN.name, ADMIN.password);
  await gotoReady(page, `/admin/projects/${project.id}`);
  const quotas = page.getByRole("table", { name: `Quotas of ${project.name}` });
  await expect(quotas.locator('tr[data-resource="image_count_total"]')).toContainText("2 of 4 images (50%)");
  await expect(quotas.locator('tr[data-resource="image_size_total"]')).toContainText("3 MiB of 10 MiB (30%)");
  await expect(quotas.locator('tr[data-resource="image_count_uploading"]')).toContainText(
    "0 uploads, no limit",
  );

  // The overview lists the same numbers for every project.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Quotas" }).click();
  // The defaults (registered limits) are shown once, above the projects.
  const registered = await (
    await request.get("/identity/v3/registered_limits", { headers: { "x-auth-token": adminToken } })
  ).json();
  const countDefault = registered.registered_limits.find(
    (l: { resource_name: string }) => l.resource_name === "image_count_total",
  ).default_limit as number;
  await expect(page.getByRole("region", { name: "Defaults" })).toContainText(
    `Images${countDefault < 0 ? "unlimited" : countDefault.toLocaleString("en")}`,
  );
  await page.getByLabel("Search projects").fill(project.name);
  const row = page.locator(`tr[data-project="${project.name}"]`);
  await expect(row).toContainText("2 of 4 images");
  await expect(row).toContainText("3 MiB of 10 MiB");

  // Over the limit is said in words, not colour alone.
  await setLimitsPatch(request, adminToken, project.id, "image_size_total", 2);
  await page.reload();
  // Other suites make many projects: find this one again (the search is not part of the address).
  await page.getByLabel("Search projects").fill(project.name);
  await expect(page.locator(`tr[data-project="${project.name}"]`)).toContainText("3 MiB of 2 MiB (150%)");
  await expect(page.locator(`tr[data-project="${project.name}"]`)).toContainText("over the limit");
});

async function setLimitsPatch(
  request: APIRequestContext,
  token: string,
  projectId: string,
  resource: string,
  value: number,
) {
  const limit = (await projectLimits(request, token, projectId)).find((l) => l.resource_name === resource)!;
  const r = await request.patch(`/identity/v3/limits/${limit.id}`, {
    headers: { "x-auth-token": token },
    data: { limit: { resource_limit: value } },
  });
  expect(r.status(), await r.text()).toBe(200);
}

test("the stores page shows each store with the images and bytes it holds", async ({
  page,
  request,
  identity,
  adminToken,
}) => {
  const { token } = await memberSession(identity, request);
  const image = await createImage(request, token);
  expect((await put(request, token, image.id, Buffer.alloc(MiB + 512 * 1024, 1))).status()).toBe(204);
  const detail = await request.get("/image/v2/info/stores/detail", {
    headers: { "x-auth-token": adminToken },
  });
  const stores = (await detail.json()).stores as {
    id: string;
    type: string;
    default?: string;
    usage: { images: number; bytes: number };
  }[];
  expect(stores.length).toBeGreaterThan(0);

  await signIn(page, ADMIN.name, ADMIN.password);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Stores" }).click();
  await expect(page.getByRole("heading", { name: "Stores" })).toBeVisible();
  const table = page.getByRole("table", { name: "Image stores" });
  for (const s of stores) {
    const row = table.locator(`tr[data-store="${s.id}"]`);
    await expect(row).toContainText(s.type);
    await expect(row.locator("td").nth(3)).toHaveText(s.default === "true" ? "Default" : "—");
    await expect(row.locator("td").nth(4)).toHaveText(s.usage.images.toLocaleString("en"));
    await expect(row.locator("td").nth(5).locator("span")).toHaveAttribute(
      "title",
      `${s.usage.bytes.toLocaleString("en")} bytes`,
    );
  }
  // The chart names every store and its size in text.
  const chart = page.getByRole("figure");
  for (const s of stores) await expect(chart.getByText(s.id, { exact: true })).toBeVisible();
  expect(stores.some((s) => s.usage.bytes >= MiB + 512 * 1024)).toBe(true);
});

test("the audit log shows an action one caused; filters in the URL hide it; pages go back and forth", async ({
  page,
  request,
  identity,
  adminToken,
}) => {
  const project = await identity.createProject();
  await setLimits(request, adminToken, project.id, { image_count_total: 3 });
  const r = await request.patch(`/identity/v3/projects/${project.id}`, {
    headers: { "x-auth-token": adminToken },
    data: { project: { description: "changed for the audit test" } },
  });
  expect(r.status()).toBe(200);

  await signIn(page, ADMIN.name, ADMIN.password);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  const form = page.getByRole("form", { name: "Filter the audit log" });
  await form.getByLabel("Target ID").fill(project.id);
  await form.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(new RegExp(`target_id=${project.id}`));
  const table = page.getByRole("table", { name: "Audit events" });
  const rows = table.locator("tbody tr");
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText("identity.project.update");
  await expect(rows.nth(1)).toContainText("limit.create");
  await expect(rows.nth(2)).toContainText("identity.project.create");
  await expect(rows.nth(2)).toContainText(ADMIN.name);
  await expect(rows.nth(2)).toContainText("Success");

  // Another filter hides them; the filters survive a reload (they are in the URL).
  await form.getByLabel("Action").fill("image");
  await form.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/action=image/);
  await expect(page.getByText("No event matches these filters.")).toBeVisible();
  await page.reload();
  await expect(page.getByText("No event matches these filters.")).toBeVisible();
  await expect(page.getByRole("form", { name: "Filter the audit log" }).getByLabel("Action")).toHaveValue(
    "image",
  );
  await page.getByRole("form", { name: "Filter the audit log" }).getByLabel("Action").fill("limit");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.nth(0)).toContainText("limit.create");
  await page
    .getByRole("form", { name: "Filter the audit log" })
    .getByLabel("Outcome")
    .selectOption("failure");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page.getByText("No event matches these filters.")).toBeVisible();

  // A time range after the events hides them too.
  await gotoReady(
    page,
    `/admin/audit?target_id=${project.id}&since=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`,
  );
  await expect(page.getByText("No event matches these filters.")).toBeVisible();

  // Server-side paging, one event a page.
  await gotoReady(page, `/admin/audit?target_id=${project.id}&limit=1`);
  await expect(rows).toHaveCount(1);
  await expect(rows.nth(0)).toContainText("identity.project.update");
  await expect(page.getByText("Page 1")).toBeVisible();
  await page.getByRole("button", { name: "Older →" }).click();
  await expect(page.getByText("Page 2")).toBeVisible();
  await expect(rows.nth(0)).toContainText("limit.create");
  await page.getByRole("button", { name: "Older →" }).click();
  await expect(rows.nth(0)).toContainText("identity.project.create");
  await page.getByRole("button", { name: "← Newer" }).click();
  await expect(page.getByText("Page 2")).toBeVisible();
  await expect(rows.nth(0)).toContainText("limit.create");
  await page.getByRole("button", { name: "← Newer" }).click();
  await expect(rows.nth(0)).toContainText("identity.project.update");
  await expect(page.getByRole("button", { name: "← Newer" })).toBeDisabled();
});

test("the administration pages work from the keyboard and fit a tablet's width", async ({
  page,
  request,
  identity,
  adminToken,
}) => {
  await page.setViewportSize({ width: 768, height: 1024 });
  const project = await identity.createProject();
  await signIn(page, ADMIN.name, ADMIN.password);
  await gotoReady(page, `/admin/projects/${project.id}`);

  // Open, fill and submit the limit dialog without a mouse; Escape closes it.
  await page.getByRole("button", { name: "Set limit for Uploads in progress" }).focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: `Uploads in progress limit for ${project.name}` });
  await expect(dialog.getByLabel("Limit (uploads)")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await page.getByRole("button", { name: "Set limit for Uploads in progress" }).focus();
  await page.keyboard.press("Enter");
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type("3");
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  const limits = await projectLimits(request, adminToken, project.id);
  expect(limits.map((l) => [l.resource_name, l.resource_limit])).toEqual([["image_count_uploading", 3]]);

  // No page scrolls sideways at 768 px (wide tables scroll inside their own box).
  for (const path of [`/admin/projects/${project.id}`, "/admin/quotas", "/admin/stores", "/admin/audit"]) {
    await gotoReady(page, path);
    await expect(page.getByRole("table").first()).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, path).toBeLessThanOrEqual(0);
  }
});

// axe's WCAG 2.0/2.1 A and AA rules; serious and critical violations fail the test.
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
async function runAxe(page: Page) {
  return (await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze()).violations;
}

test("the administration pages have no serious or critical accessibility violations, light and dark", async ({
  page,
  request,
  identity,
  adminToken,
}) => {
  const { project, token } = await memberSession(identity, request);
  await setLimits(request, adminToken, project.id, { image_count_total: 1 });
  await createImage(request, token);
  await signIn(page, ADMIN.name, ADMIN.password);
  for (const theme of ["light", "dark"]) {
    for (const path of [`/admin/projects/${project.id}`, "/admin/quotas", "/admin/stores", "/admin/audit"]) {
      await gotoReady(page, path);
      await expect(page.getByRole("table").first()).toBeVisible();
      if (theme === "dark") await page.evaluate(() => document.documentElement.classList.add("dark"));
      const bad = (await runAxe(page)).filter((v) => v.impact === "serious" || v.impact === "critical");
      expect(bad, `${path} (${theme})`).toEqual([]);
    }
  }
  // The limit dialog, with a refused value in it (dark theme still on).
  await gotoReady(page, `/admin/projects/${project.id}`);
  await page.evaluate(() => document.documentElement.classList.add("dark"));
  await page.getByRole("button", { name: "Set limit for Image storage" }).click();
  await page.getByLabel("Limit (MiB)").fill("lots");
  await page.getByRole("button", { name: "Save limit" }).click();
  await expect(page.getByRole("dialog").getByRole("alert")).toContainText("not a size");
  const bad = (await runAxe(page)).filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad, "limit dialog").toEqual([]);
});
