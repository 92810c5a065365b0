import fs from "node:fs";
import path from "node:path";
import type { APIRequestContext, Page } from "@playwright/test";
import { expect, issueToken, randomName, test } from "../fixtures";
import type { IdentityAdmin } from "../support/identity";
import { DiskImages, qemuVirtualSize } from "../support/disk-images";
import { ImageApi, type Img } from "../support/images";
import { gotoReady, signIn } from "./helpers";

// The create dialog asks Iris what a picked file is (POST /v2/inspect with its first 4 MiB)
// before uploading it, and explains a mismatch the server would refuse; when the server refuses
// an upload anyway (415) the dialog says why in plain words.

const disks = new DiskImages();
test.afterAll(() => fs.rmSync(disks.dir, { recursive: true, force: true }));

async function session(identity: IdentityAdmin, request: APIRequestContext, page: Page) {
  const { project, user } = await identity.projectWithUser("member");
  const { token } = await issueToken(request, user.name, user.password, project.name);
  await signIn(page, user.name, user.password);
  return new ImageApi(request, token);
}

test("the dialog shows the detected format of a qcow2 made by qemu-img, warns when the disk format says otherwise, and switches to it", async ({
  page,
  identity,
  request,
}) => {
  const api = await session(identity, request, page);
  const qcow2 = disks.converted("qcow2"); // named *.img: the dialog guesses raw from the name
  const virtualSize = qemuVirtualSize(qcow2.file, "qcow2");
  const name = randomName("inspected");
  const inspections: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/image/v2/inspect"))
      inspections.push(new URL(r.url()).searchParams.get("disk_format")!);
  });

  await gotoReady(page, "/images");
  await page.getByRole("button", { name: "Create image" }).click();
  const dialog = page.getByRole("dialog", { name: "Create image" });
  await dialog.getByLabel("Image file").setInputFiles(qcow2.file);
  await expect(dialog.getByLabel("Disk format")).toHaveValue("raw");
  // Accepted as raw by the server, but the dialog says it is a qcow2 that would not boot as raw.
  const warning = dialog.getByTestId("format-warning");
  await expect(warning).toContainText(`qcow2, virtual size ${virtualSize / 1024 / 1024}.0 MiB`);
  await expect(warning).toContainText("disk format chosen is raw");

  // vmdk: a mismatch the server refuses; explained before any upload, with the fix offered.
  await dialog.getByLabel("Disk format").selectOption("vmdk");
  const problem = dialog.getByRole("alert").filter({ hasText: "not in the chosen disk format" });
  await expect(problem).toBeVisible();
  await expect(problem).toContainText("but the image's disk_format is vmdk");
  await expect(problem).toContainText("Iris would refuse this upload.");
  await dialog.getByLabel("Image name").fill(name);
  await dialog.getByRole("button", { name: "Create and upload" }).click();
  await expect(dialog.getByRole("alert").filter({ hasText: "change the disk format" })).toBeVisible();
  expect(await api.ids(`name=${name}`)).toEqual([]); // nothing was created

  await problem.getByRole("button", { name: "Use qcow2 as the disk format" }).click();
  await expect(dialog.getByLabel("Disk format")).toHaveValue("qcow2");
  await expect(dialog.getByTestId("detected-format")).toContainText("qcow2, virtual size");
  await expect(dialog.getByTestId("detected-format")).toContainText("It can be uploaded as qcow2.");
  expect(inspections).toEqual(expect.arrayContaining(["raw", "vmdk", "qcow2"]));

  await dialog.getByRole("button", { name: "Create and upload" }).click();
  await expect(dialog.getByTestId("upload-phase")).toHaveText("Upload complete", { timeout: 30_000 });
  const [image] = (await (await api.list(`name=${name}`)).json()).images as Img[];
  await expect.poll(async () => ((await (await api.get(image!.id)).json()) as Img).status).toBe("active");
  expect(await (await api.get(image!.id)).json()).toMatchObject({
    disk_format: "qcow2",
    virtual_size: virtualSize,
    size: fs.statSync(qcow2.file).size,
  });
});

test("an upload the server refuses (415) says why in plain words", async ({ page, identity, request }) => {
  const api = await session(identity, request, page);
  const qcow2 = disks.converted("qcow2");
  const file = path.join(disks.dir, "declared.vmdk");
  fs.copyFileSync(qcow2.file, file);
  const name = randomName("refused");
  // The check before the upload is unavailable (its request fails): the dialog says so and lets
  // the upload go, and the server's own inspection refuses it.
  await page.route("**/image/v2/inspect*", (route) => route.abort());

  await gotoReady(page, "/images");
  await page.getByRole("button", { name: "Create image" }).click();
  const dialog = page.getByRole("dialog", { name: "Create image" });
  await dialog.getByLabel("Image file").setInputFiles(file);
  await expect(dialog.getByLabel("Disk format")).toHaveValue("vmdk"); // from the name
  await expect(dialog.getByText("The file could not be checked before the upload")).toBeVisible();
  await dialog.getByLabel("Image name").fill(name);
  await dialog.getByRole("button", { name: "Create and upload" }).click();

  await expect(dialog.getByText(/Iris refused the file: The uploaded data is a qcow2 image/)).toBeVisible({
    timeout: 30_000,
  });
  await expect(dialog.getByText(/but the image's disk_format is vmdk/)).toBeVisible();
  const [image] = (await (await api.list(`name=${name}`)).json()).images as Img[];
  await expect.poll(async () => ((await (await api.get(image!.id)).json()) as Img).status).toBe("queued");
});
