import crypto from "node:crypto";
import fs from "node:fs";
import type { APIRequestContext, Locator, Page, Route } from "@playwright/test";
import { ADMIN, expect, issueToken, randomName, test } from "../fixtures";
import type { IdentityAdmin } from "../support/identity";
import { ImageApi, type Img } from "../support/images";
import { gotoReady, pathOf, signIn } from "./helpers";

// The images pages: list (filters in the URL, sorting, pages, bulk actions), create and upload
// with tus (pause, resume, resume after a reload), and an image's detail page. Each test works in
// a project of its own and checks through the API that what the page said happened did happen.

const MiB = 1024 * 1024;

/** A new project and member, signed in on `page`, with an API client for the same project. */
async function session(identity: IdentityAdmin, request: APIRequestContext, page: Page) {
  const { project, user } = await identity.projectWithUser("member");
  const { token } = await issueToken(request, user.name, user.password, project.name);
  await signIn(page, user.name, user.password);
  return { project, api: new ImageApi(request, token) };
}

async function withData(api: ImageApi, image: Img, bytes = crypto.randomBytes(2048)) {
  const res = await api.request.put(`/image/v2/images/${image.id}/file`, {
    headers: { ...api.h, "content-type": "application/octet-stream" },
    data: bytes,
  });
  expect(res.status(), await res.text()).toBe(204);
  return image;
}

async function fetchImage(api: ImageApi, id: string): Promise<Img> {
  const res = await api.get(id);
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

const rowNames = (page: Page) => page.getByRole("table").locator("tbody tr td:nth-child(2)").allInnerTexts();

/**
 * Holds every tus PATCH after the first chunk until `release()`: the upload then sits at 32 MiB
 * of 40 MiB, long enough to pause it or reload the page.
 */
async function holdSecondChunk(page: Page) {
  let holding = true;
  const held: Route[] = [];
  await page.route("**/image/v2/images/*/uploads/*", async (route) => {
    const req = route.request();
    if (holding && req.method() === "PATCH" && (await req.headerValue("upload-offset")) !== "0") {
      held.push(route);
      return;
    }
    await route.continue();
  });
  return {
    async release() {
      holding = false;
      // The page gave up on the held requests (pause, reload): drop them.
      for (const r of held) await r.abort().catch(() => undefined);
      await page.unroute("**/image/v2/images/*/uploads/*");
    },
  };
}

/** The first 32 MiB chunk of 40 MiB is through (the browser may count some of the held one). */
async function atLeast80(bar: Locator) {
  await expect
    .poll(async () => Number(await bar.getAttribute("aria-valuenow")), { timeout: 60_000 })
    .toBeGreaterThanOrEqual(80);
}

function bigFile(path: string, size = 40 * MiB) {
  fs.writeFileSync(path, crypto.randomBytes(size));
  return path;
}

test("the list's filters and sort are kept in the URL, and clicking a column sorts", async ({
  page,
  identity,
  request,
}) => {
  const { api } = await session(identity, request, page);
  const run = randomName("run");
  await api.create({ name: `beta-${run}`, tags: [run, "blue"], disk_format: "qcow2" });
  await api.create({ name: `alpha-${run}`, tags: [run, "blue"], disk_format: "qcow2", protected: true });
  await api.create({ name: `gamma-${run}`, tags: [run], disk_format: "raw" });

  await gotoReady(page, "/images");
  await page.getByRole("search").getByLabel("Tag").fill(run);
  await page.getByRole("search").getByLabel("Disk format").selectOption("qcow2");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(new RegExp(`tag=${run}`));
  await expect(page).toHaveURL(/disk_format=qcow2/);
  await expect.poll(() => rowNames(page)).toHaveLength(2);

  // Sorting by name, then the other way.
  await page.getByRole("button", { name: "Name" }).click();
  await expect(page).toHaveURL(/sort=name%3Aasc/);
  await expect.poll(() => rowNames(page)).toEqual([`alpha-${run}`, `beta-${run}`]);
  await expect(page.getByRole("columnheader", { name: "Name" })).toHaveAttribute("aria-sort", "ascending");
  await page.getByRole("button", { name: "Name" }).click();
  await expect(page).toHaveURL(/sort=name%3Adesc/);
  await expect.poll(() => rowNames(page)).toEqual([`beta-${run}`, `alpha-${run}`]);

  // The URL is the view: opened afresh (a bookmark), it shows the same.
  const bookmarked = page.url();
  await gotoReady(page, "/images");
  await expect.poll(async () => (await rowNames(page)).length).toBeGreaterThanOrEqual(3);
  await gotoReady(page, bookmarked.replace(/^https?:\/\/[^/]+/, ""));
  await expect(page.getByRole("search").getByLabel("Tag")).toHaveValue(run);
  await expect.poll(() => rowNames(page)).toEqual([`beta-${run}`, `alpha-${run}`]);

  // A protected filter on top narrows to the protected one.
  await page.getByRole("search").getByLabel("Protected").selectOption("true");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/protected=true/);
  await expect.poll(() => rowNames(page)).toEqual([`alpha-${run}`]);

  // No match: the empty state says so.
  await page.getByRole("search").getByLabel("Name").fill(`nothing-${run}`);
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page.getByText("No image matches these filters.")).toBeVisible();
});

test("pages go forward with the API's next marker and back with the stack of markers", async ({
  page,
  identity,
  request,
}) => {
  const { api } = await session(identity, request, page);
  const run = randomName("page");
  for (let i = 0; i < 12; i++)
    await api.create({ name: `${run}-${String(i).padStart(2, "0")}`, tags: [run] });

  await gotoReady(page, `/images?tag=${run}&sort=name:asc`);
  await page.getByLabel("Per page").selectOption("10");
  await expect(page).toHaveURL(/limit=10/);
  await expect.poll(() => rowNames(page)).toHaveLength(10);
  const first = await rowNames(page);
  expect(first[0]).toBe(`${run}-00`);
  await expect(page.getByTestId("page-number")).toHaveText("Page 1");
  await expect(page.getByRole("button", { name: "Previous page" })).toBeDisabled();

  await page.getByRole("button", { name: "Next page" }).click();
  await expect(page).toHaveURL(/marker=/);
  await expect(page.getByTestId("page-number")).toHaveText("Page 2");
  await expect.poll(() => rowNames(page)).toEqual([`${run}-10`, `${run}-11`]);
  await expect(page.getByRole("button", { name: "Next page" })).toBeDisabled();

  // Page 2 is bookmarkable too.
  await page.reload();
  await expect.poll(() => rowNames(page)).toEqual([`${run}-10`, `${run}-11`]);

  await page.getByRole("button", { name: "Previous page" }).click();
  await expect(page).not.toHaveURL(/marker=/);
  await expect(page.getByTestId("page-number")).toHaveText("Page 1");
  await expect.poll(() => rowNames(page)).toEqual(first);
});

test("create an image and upload a file in the dialog: it becomes active with the file's checksum", async ({
  page,
  identity,
  request,
}) => {
  const { api } = await session(identity, request, page);
  const name = randomName("upl");
  const bytes = crypto.randomBytes(3000);
  await gotoReady(page, "/images");
  await page.getByRole("button", { name: "Create image" }).click();
  const dialog = page.getByRole("dialog", { name: "Create image" });
  await dialog.getByLabel("Image file").setInputFiles({ name: "small.vhd", mimeType: "", buffer: bytes });
  await expect(dialog.getByTestId("picked-file")).toContainText("small.vhd");
  await expect(dialog.getByLabel("Disk format")).toHaveValue("vhd"); // guessed from the name
  // Random bytes are no vhd (the dialog asks the server before uploading): offered raw instead.
  await dialog.getByRole("button", { name: "Use raw as the disk format" }).click();
  await expect(dialog.getByLabel("Disk format")).toHaveValue("raw");
  await dialog.getByLabel("Image name").fill(name);
  await dialog.getByRole("button", { name: "Create and upload" }).click();
  await expect(dialog.getByTestId("upload-phase")).toHaveText("Upload complete", { timeout: 30_000 });
  await dialog.getByRole("button", { name: "Close" }).click();

  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row.getByTestId("image-status")).toHaveText("active", { timeout: 20_000 });
  const [created] = (await (await api.list(`name=${name}`)).json()).images as Img[];
  expect(created).toMatchObject({
    status: "active",
    size: 3000,
    disk_format: "raw",
    checksum: crypto.createHash("md5").update(bytes).digest("hex"),
  });

  // The detail page shows the checksums with copy buttons.
  await row.getByRole("link", { name }).click();
  await expect(page.getByTestId("checksum")).toHaveText(created!.checksum as string);
  await expect(page.getByTestId("os-hash-value")).toHaveText(created!.os_hash_value as string);
  await expect(page.getByRole("button", { name: "Copy hash value" })).toBeVisible();
});

test("an upload paused at 32 MiB resumes from there and completes", async ({
  page,
  identity,
  request,
}, testInfo) => {
  test.setTimeout(120_000);
  const { api } = await session(identity, request, page);
  const name = randomName("pause");
  const file = bigFile(testInfo.outputPath("pause.raw"));
  const offsets: string[] = [];
  page.on("request", async (r) => {
    if (r.method() === "PATCH" && r.url().includes("/uploads/"))
      offsets.push((await r.headerValue("upload-offset")) ?? "");
  });
  const hold = await holdSecondChunk(page);

  await gotoReady(page, "/images");
  await page.getByRole("button", { name: "Create image" }).click();
  const dialog = page.getByRole("dialog", { name: "Create image" });
  await dialog.getByLabel("Image file").setInputFiles(file);
  await dialog.getByLabel("Image name").fill(name);
  await dialog.getByRole("button", { name: "Create and upload" }).click();
  await atLeast80(dialog.getByRole("progressbar", { name: "Upload" }));

  await dialog.getByRole("button", { name: "Pause" }).click();
  await expect(dialog.getByTestId("upload-phase")).toHaveText("Paused");
  await hold.release();
  const [image] = (await (await api.list(`name=${name}`)).json()).images as Img[];
  expect(image!.status).toBe("uploading");

  await dialog.getByRole("button", { name: "Resume" }).click();
  await expect(dialog.getByTestId("upload-phase")).toHaveText("Upload complete", { timeout: 60_000 });
  await expect.poll(async () => (await fetchImage(api, image!.id)).status).toBe("active");
  expect((await fetchImage(api, image!.id)).size).toBe(40 * MiB);
  // The resumed request started at the first chunk's end: nothing was sent twice.
  expect(offsets[0]).toBe("0");
  expect(offsets[offsets.length - 1]).toBe(String(32 * MiB));
});

test("after a page reload, picking the same file again resumes the upload", async ({
  page,
  identity,
  request,
}, testInfo) => {
  test.setTimeout(120_000);
  const { api } = await session(identity, request, page);
  const name = randomName("reload");
  const file = bigFile(testInfo.outputPath("reload.raw"));
  page.on("dialog", (d) => void d.accept()); // "leave the page while uploading?"
  const hold = await holdSecondChunk(page);

  await gotoReady(page, "/images");
  await page.getByRole("button", { name: "Create image" }).click();
  let dialog = page.getByRole("dialog", { name: "Create image" });
  await dialog.getByLabel("Image file").setInputFiles(file);
  await dialog.getByLabel("Image name").fill(name);
  await dialog.getByRole("button", { name: "Create and upload" }).click();
  await atLeast80(dialog.getByRole("progressbar", { name: "Upload" }));

  await page.reload();
  await hold.release();
  await page.locator('button[data-ready="true"]', { hasText: "Sign out" }).waitFor();
  const [image] = (await (await api.list(`name=${name}`)).json()).images as Img[];
  expect(image!.status).toBe("uploading");

  await page.getByRole("button", { name: "Create image" }).click();
  dialog = page.getByRole("dialog", { name: "Create image" });
  await dialog.getByLabel("Image file").setInputFiles(file);
  await expect(dialog.getByRole("status").filter({ hasText: "This file was being uploaded" })).toContainText(
    name,
  );
  await dialog.getByRole("button", { name: "Resume earlier upload" }).click();
  await expect(dialog.getByTestId("upload-resumed")).toHaveText("Resumed at 32.0 MiB");
  await expect(dialog.getByTestId("upload-phase")).toHaveText("Upload complete", { timeout: 60_000 });
  await expect.poll(async () => (await fetchImage(api, image!.id)).status).toBe("active");
  expect((await fetchImage(api, image!.id)).size).toBe(40 * MiB);
  // No second image was made.
  expect(((await (await api.list(`name=${name}`)).json()).images as Img[]).length).toBe(1);
});

test("edit an image's fields, custom properties and tags on its page (JSON-patch)", async ({
  page,
  identity,
  request,
}) => {
  const { api } = await session(identity, request, page);
  const image = await api.create({ os_distro: "debian", hw_arch: "x86_64", tags: ["old"] });
  await gotoReady(page, `/images/${image.id}`);
  await expect(page.getByRole("heading", { name: image.name! })).toBeVisible();

  await page.getByRole("button", { name: "Edit" }).click();
  const dialog = page.getByRole("dialog", { name: `Edit image ${image.name}` });
  await dialog.getByLabel("Minimum RAM (MiB)").fill("512");
  // Properties are listed in the image's order; find them by their names.
  const names = dialog.getByLabel(/Property \d+ name/);
  const count = await names.count();
  for (let i = 0; i < count; i++) {
    const key = await names.nth(i).inputValue();
    if (key === "os_distro") await dialog.getByLabel(`Property ${i + 1} value`).fill("ubuntu");
  }
  await dialog.getByRole("button", { name: "Remove property hw_arch" }).click();
  await dialog.getByRole("button", { name: "Add property" }).click();
  await dialog.getByLabel(`Property ${count} name`).fill("os_version");
  await dialog.getByLabel(`Property ${count} value`).fill("24.04");
  await dialog.getByRole("button", { name: "Remove tag old" }).click();
  await dialog.getByLabel("New tag").fill("gold");
  await dialog.getByLabel("New tag").press("Enter");
  await dialog.getByRole("button", { name: "Save changes" }).click();
  await expect(dialog).toBeHidden();

  const props = page.getByRole("table", { name: "Custom properties" });
  await expect(props.getByRole("row").filter({ hasText: "os_version" })).toContainText("24.04");
  await expect(page.getByRole("list", { name: "Image tags" })).toHaveText("gold");
  const saved = await fetchImage(api, image.id);
  expect(saved).toMatchObject({ os_distro: "ubuntu", os_version: "24.04", min_ram: 512, tags: ["gold"] });
  expect(saved).not.toHaveProperty("hw_arch");
  // The image's history records the change, and who made it.
  const history = page.getByRole("table", { name: "History" });
  await expect(history.getByRole("row").filter({ hasText: "image.update" }).first()).toContainText("success");

  // A base field cannot be a custom property: the form says so and sends nothing.
  await page.getByRole("button", { name: "Edit" }).click();
  await dialog.getByRole("button", { name: "Add property" }).click();
  const last = await dialog.getByLabel(/Property \d+ name/).count();
  await dialog.getByLabel(`Property ${last} name`).fill("status");
  await dialog.getByRole("button", { name: "Save changes" }).click();
  await expect(dialog.getByRole("alert")).toContainText("is an image field");
});

test("deactivate and reactivate an image from its page", async ({ page, identity, request }) => {
  const { api } = await session(identity, request, page);
  const image = await withData(api, await api.create());
  await gotoReady(page, `/images/${image.id}`);
  await expect(page.getByTestId("image-status")).toHaveText("active");
  await expect(page.getByRole("link", { name: "Download" })).toHaveAttribute(
    "href",
    `/image/v2/images/${image.id}/file`,
  );

  await page.getByRole("button", { name: "Deactivate" }).click();
  await expect(page.getByTestId("image-status")).toHaveText("deactivated");
  expect((await fetchImage(api, image.id)).status).toBe("deactivated");
  await expect(page.getByRole("link", { name: "Download" })).toHaveCount(0);

  await page.getByRole("button", { name: "Reactivate" }).click();
  await expect(page.getByTestId("image-status")).toHaveText("active");
  expect((await fetchImage(api, image.id)).status).toBe("active");
});

test("deleting a protected image is refused and the page shows the API's reason", async ({
  page,
  identity,
  request,
}) => {
  const { api } = await session(identity, request, page);
  const image = await api.create({ protected: true });
  await gotoReady(page, `/images/${image.id}`);
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  const confirm = page.getByRole("dialog", { name: `Delete image ${image.name}?` });
  await expect(confirm).toContainText("protected");
  await confirm.getByRole("button", { name: "Delete image" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "protected" })).toContainText(
    `Image ${image.id} is protected and cannot be deleted.`,
  );
  expect(pathOf(page)).toBe(`/images/${image.id}`);
  expect((await api.get(image.id)).status()).toBe(200);

  // Unprotected (in the edit form), it can go.
  await page.getByRole("button", { name: "Edit" }).click();
  const edit = page.getByRole("dialog", { name: `Edit image ${image.name}` });
  await edit.getByLabel("Protected (cannot be deleted)").uncheck();
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(edit).toBeHidden();
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  await confirm.getByRole("button", { name: "Delete image" }).click();
  await expect(page).toHaveURL(/\/images$/);
  expect((await api.get(image.id)).status()).toBe(404);
});

test("bulk: add a tag to, deactivate and delete the selected images after confirming", async ({
  page,
  identity,
  request,
}) => {
  const { api } = await session(identity, request, page);
  const run = randomName("bulk");
  const images = [
    await withData(api, await api.create({ name: `${run}-a`, tags: [run] })),
    await withData(api, await api.create({ name: `${run}-b`, tags: [run] })),
    await api.create({ name: `${run}-c`, tags: [run] }),
  ];
  await gotoReady(page, `/images?tag=${run}&sort=name:asc`);
  await expect.poll(() => rowNames(page)).toHaveLength(3);

  // Tag two of them.
  await page.getByLabel(`Select image ${run}-a`).check();
  await page.getByLabel(`Select image ${run}-b`).check();
  await expect(page.getByTestId("selected-count")).toHaveText("2 selected");
  await page.getByRole("button", { name: "Add tag to selected" }).click();
  const tagDialog = page.getByRole("dialog", { name: "Add a tag to the selected images" });
  await tagDialog.getByLabel("Tag").fill("bulk-tagged");
  await tagDialog.getByRole("button", { name: "Add tag" }).click();
  await expect.poll(async () => (await api.ids(`tag=${run}&tag=bulk-tagged`)).length).toBe(2);

  // Deactivate the same two (the selection was spent on the tag).
  await expect(page.getByTestId("selected-count")).toHaveText("0 selected");
  await page.getByLabel(`Select image ${run}-a`).check();
  await page.getByLabel(`Select image ${run}-b`).check();
  await page.getByRole("button", { name: "Deactivate selected" }).click();
  await page
    .getByRole("dialog", { name: "Deactivate 2 images?" })
    .getByRole("button", { name: "Deactivate" })
    .click();
  await expect.poll(async () => (await fetchImage(api, images[0]!.id)).status).toBe("deactivated");
  expect((await fetchImage(api, images[1]!.id)).status).toBe("deactivated");
  expect((await fetchImage(api, images[2]!.id)).status).toBe("queued");

  // Delete all three; cancelling first keeps them.
  await page.getByLabel("Select every image on this page").check();
  await expect(page.getByTestId("selected-count")).toHaveText("3 selected");
  await page.getByRole("button", { name: "Delete selected" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete 3 images?" });
  await expect(confirm.getByRole("listitem")).toHaveText([`${run}-a`, `${run}-b`, `${run}-c`]);
  await confirm.getByRole("button", { name: "Cancel" }).click();
  expect((await api.ids(`tag=${run}`)).length).toBe(3);
  await page.getByRole("button", { name: "Delete selected" }).click();
  await confirm.getByRole("button", { name: "Delete images" }).click();
  await expect(page.getByText("No image matches these filters.")).toBeVisible();
  expect(await api.ids(`tag=${run}`)).toEqual([]);
  for (const i of images) expect((await api.get(i.id)).status()).toBe(404);
});

test("the images page is in the navigation and the overview links to it", async ({
  page,
  identity,
  request,
}) => {
  await session(identity, request, page);
  await expect(page.getByRole("link", { name: "Browse images" })).toBeVisible();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Images" }).click();
  await expect(page).toHaveURL(/\/images$/);
  // Public images of other projects may be listed too (the suites share a server): the page is there.
  await expect(page.getByRole("heading", { name: "Images", level: 1 })).toBeVisible();
});

test("import from URL: the image is created and imported with web-download; the API's refusals are shown", async ({
  page,
  identity,
  request,
}) => {
  const { api } = await session(identity, request, page);
  await gotoReady(page, "/images");
  await page.getByRole("button", { name: "Create image" }).click();
  const dialog = page.getByRole("dialog", { name: "Create image" });
  await dialog.getByRole("tab", { name: "Import from URL" }).click();
  await expect(dialog.getByRole("tab", { name: "Import from URL" })).toHaveAttribute("aria-selected", "true");

  // A port web-download may not use: the image exists, the import was refused, and it says why.
  const refused = randomName("url");
  await dialog.getByLabel("Image URL").fill("http://127.0.0.1:1/disk.img");
  await dialog.getByLabel("Image name").fill(refused);
  await dialog.getByRole("button", { name: "Create and import" }).click();
  await expect(dialog.getByRole("alert")).toContainText(`The image ${refused} was created, but:`);
  await expect(dialog.getByRole("alert")).toContainText("does not pass filtering");

  // An allowed URL: the import starts (202) and its task ends with the reason it failed (this
  // server refuses loopback addresses, which localhost resolves to); the task says so on the image's page.
  const name = randomName("url");
  await dialog.getByLabel("Image URL").fill("http://localhost/disk.img");
  await dialog.getByLabel("Image name").fill(name);
  await dialog.getByRole("button", { name: "Create and import" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText(`Image ${name} is importing`)).toBeVisible();
  const [image] = (await (await api.list(`name=${name}`)).json()).images as Img[];
  await gotoReady(page, `/images/${image!.id}`);
  const task = page.getByRole("table", { name: "Import tasks" }).getByRole("row").nth(1);
  await expect(task).toContainText("web-download");
  await expect(task).toContainText("failure", { timeout: 20_000 });
  await expect(task).toContainText("loopback");
});

test("an admin copies an image to another store (copy-image): the task and the stores show it", async ({
  page,
  request,
  adminToken,
}) => {
  const api = new ImageApi(request, adminToken);
  const image = await withData(api, await api.create({ name: randomName("copy") }), crypto.randomBytes(4096));
  const [from] = String((await fetchImage(api, image.id)).stores).split(",");
  await signIn(page, ADMIN.name, ADMIN.password);
  await gotoReady(page, `/images/${image.id}`);
  const stores = page.getByRole("list", { name: "Stores holding the data" });
  await expect(stores.getByRole("listitem")).toHaveText([from!]);
  const target = await page.getByLabel("Copy to store").inputValue();
  await page.getByRole("button", { name: "Copy", exact: true }).click();
  const task = page.getByRole("table", { name: "Import tasks" }).getByRole("row").nth(1);
  await expect(task).toContainText("copy-image");
  await expect(task).toContainText("success", { timeout: 30_000 });
  await expect(task).toContainText(`to ${target}`);
  await expect(stores.getByRole("listitem")).toHaveText([from!, target].sort(), { timeout: 10_000 });
  expect(
    String((await fetchImage(api, image.id)).stores)
      .split(",")
      .sort(),
  ).toEqual([from!, target].sort());
  await api.delete(image.id);
});

test("a queued image's page uploads its data, and the page follows it to active", async ({
  page,
  identity,
  request,
}) => {
  const { api } = await session(identity, request, page);
  // Declared iso: random bytes are no ISO, which the dialog finds out before uploading.
  const image = await api.create({ disk_format: "iso" });
  await gotoReady(page, `/images/${image.id}`);
  await expect(page.getByTestId("image-status")).toHaveText("queued");
  await page.getByRole("button", { name: "Upload data" }).click();
  const dialog = page.getByRole("dialog", { name: `Upload data to ${image.name}` });
  const bytes = crypto.randomBytes(5000);
  await dialog.getByLabel("Image file").setInputFiles({ name: "disk.raw", mimeType: "", buffer: bytes });
  const upload = dialog.getByRole("button", { name: "Upload", exact: true });
  await expect(dialog.getByText("disk_format is iso")).toBeVisible();
  await expect(upload).toBeDisabled();
  // Switching the image's disk format to what the file is (raw) lets the upload go.
  await dialog.getByRole("button", { name: "Use raw as the disk format" }).click();
  await expect.poll(async () => (await fetchImage(api, image.id)).disk_format).toBe("raw");
  await expect(upload).toBeEnabled();
  await upload.click();
  await expect(dialog.getByTestId("upload-phase")).toHaveText("Upload complete");
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(page.getByTestId("image-status")).toHaveText("active");
  await expect(page.getByTestId("checksum")).toHaveText(crypto.createHash("md5").update(bytes).digest("hex"));
  expect((await fetchImage(api, image.id)).size).toBe(5000);
});

test("an upload goes on while the user browses other pages, and retries after a dropped request", async ({
  page,
  identity,
  request,
}, testInfo) => {
  test.setTimeout(120_000);
  const { api } = await session(identity, request, page);
  const name = randomName("bg");
  const file = bigFile(testInfo.outputPath("background.raw"));
  const hold = await holdSecondChunk(page);
  await gotoReady(page, "/images");
  await page.getByRole("button", { name: "Create image" }).click();
  const dialog = page.getByRole("dialog", { name: "Create image" });
  await dialog.getByLabel("Image file").setInputFiles(file);
  await dialog.getByLabel("Image name").fill(name);
  await dialog.getByRole("button", { name: "Create and upload" }).click();
  await atLeast80(dialog.getByRole("progressbar", { name: "Upload" }));
  await dialog.getByRole("button", { name: "Hide (keeps uploading)" }).click();

  // On another page, the progress is in a corner.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Overview" }).click();
  await expect(page).toHaveURL(/\/$/);
  const corner = page.getByRole("region", { name: "Upload progress" });
  await expect(corner).toContainText("background.raw");

  // The held request fails (a dropped connection): tus retries from the server's offset.
  await hold.release();
  await expect(page.getByText("Upload of background.raw complete.")).toBeVisible({ timeout: 60_000 });
  await expect(corner).toBeHidden();
  const [image] = (await (await api.list(`name=${name}`)).json()).images as Img[];
  await expect.poll(async () => (await fetchImage(api, image!.id)).status).toBe("active");
  expect((await fetchImage(api, image!.id)).size).toBe(40 * MiB);
});
