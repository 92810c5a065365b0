import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { APIRequestContext, Page } from "@playwright/test";
import { expect, issueToken, randomName, test } from "../fixtures";
import { DiskImages } from "../support/disk-images";
import type { IdentityAdmin } from "../support/identity";
import { ImageApi, type Img } from "../support/images";
import { gotoReady, signIn } from "./helpers";

// Screenshots of the dashboard's main pages for the README (docs/screenshots/*.png), in the
// light theme at 1280×800, taken with realistic data made through the API; the test also checks
// the pages show what the screenshots claim to show. Every run writes them to
// .iris-test/screenshots (ignored by git); IRIS_UPDATE_SCREENSHOTS=1 writes the README's copies
// in docs/screenshots instead, so that a plain `npm test` leaves the work tree clean.

const OUT = process.env.IRIS_UPDATE_SCREENSHOTS
  ? path.resolve(__dirname, "../../docs/screenshots")
  : path.resolve(__dirname, "../../.iris-test/screenshots");
const disks = new DiskImages();
test.afterAll(() => fs.rmSync(disks.dir, { recursive: true, force: true }));

async function shot(page: Page, name: string) {
  await page.mouse.move(0, 0); // no hover effects
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, animations: "disabled", caret: "hide" });
  expect(fs.statSync(file).size).toBeLessThan(150 * 1024);
}

async function user(identity: IdentityAdmin, request: APIRequestContext, projectPrefix: string) {
  const project = await identity.createProject(randomName(projectPrefix));
  const u = await identity.createUser(randomName(projectPrefix === "research" ? "alice" : "bob"));
  await identity.grant(project.id, u.id, "member");
  const { token } = await issueToken(request, u.name, u.password, project.name);
  return { project, user: u, api: new ImageApi(request, token) };
}

async function image(api: ImageApi, body: Record<string, unknown>, bytes?: Buffer): Promise<Img> {
  const img = await api.create({ container_format: "bare", ...body });
  if (bytes) {
    const res = await api.request.put(`/image/v2/images/${img.id}/file`, {
      headers: { ...api.h, "content-type": "application/octet-stream" },
      data: bytes,
    });
    expect(res.status(), await res.text()).toBe(204);
  }
  return img;
}

test("screenshots of the images list, an image, the create dialog, the shared inbox and the picker", async ({
  page,
  identity,
  request,
}) => {
  test.setTimeout(120_000);
  fs.mkdirSync(OUT, { recursive: true });
  const owner = await user(identity, request, "research");
  const member = await user(identity, request, "teaching");
  const tag = randomName("gallery");
  const raw = (kib: number) => crypto.randomBytes(kib * 1024);
  const linux = { min_disk: 4, min_ram: 512, architecture: "x86_64", tags: [tag] };
  const debian = await image(
    owner.api,
    { ...linux, name: "debian-12-genericcloud", visibility: "shared", os_distro: "debian", os_version: "12" },
    raw(700),
  );
  const noble = await image(
    owner.api,
    { ...linux, name: "ubuntu-24.04-server", visibility: "shared", os_distro: "ubuntu", os_version: "24.04" },
    raw(900),
  );
  const jammy = await image(
    owner.api,
    { ...linux, name: "ubuntu-22.04-server", visibility: "shared", os_distro: "ubuntu", os_version: "22.04" },
    raw(850),
  );
  await image(
    owner.api,
    {
      ...linux,
      name: "ubuntu-24.04-arm64",
      os_distro: "ubuntu",
      os_version: "24.04",
      architecture: "aarch64",
    },
    raw(800),
  );
  await image(
    owner.api,
    { tags: [tag], name: "cirros-0.6.2", os_distro: "cirros", os_version: "0.6.2", min_ram: 64 },
    raw(20),
  );
  await image(owner.api, { tags: [tag], name: "build-cache", disk_format: "qcow2", visibility: "private" });
  for (const img of [debian, noble, jammy]) {
    const res = await owner.api.request.post(`/image/v2/images/${img.id}/members`, {
      headers: owner.api.h,
      data: { member: member.project.id },
    });
    expect(res.status()).toBe(200);
  }
  const accept = await member.api.request.put(`/image/v2/images/${debian.id}/members/${member.project.id}`, {
    headers: member.api.h,
    data: { status: "accepted" },
  });
  expect(accept.status()).toBe(200);

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.addInitScript(() => localStorage.setItem("iris-theme", "light"));
  await signIn(page, owner.user.name, owner.user.password);

  await gotoReady(page, `/images?tag=${tag}`);
  await expect(page.getByRole("table").locator("tbody tr")).toHaveCount(6);
  await shot(page, "images-list");

  await gotoReady(page, `/images/${debian.id}`);
  await expect(page.getByTestId("checksum")).toBeVisible();
  await expect(page.getByTestId("member-row")).toHaveCount(1);
  await page.getByRole("region", { name: "Sharing" }).scrollIntoViewIfNeeded();
  await shot(page, "image-detail");

  // Behind the dialog an empty list (a filter nobody matches) keeps the picture small.
  await gotoReady(page, "/images?name=fedora-40-cloud");
  await page.getByRole("button", { name: "Create image" }).click();
  const dialog = page.getByRole("dialog", { name: "Create image" });
  await dialog.getByLabel("Image file").setInputFiles(disks.converted("qcow2").file);
  await dialog.getByLabel("Image name").fill("fedora-40-cloud");
  await dialog.getByLabel("Disk format").selectOption("vmdk");
  await expect(dialog.getByTestId("format-problem")).toBeVisible();
  await shot(page, "create-dialog");
  await page.keyboard.press("Escape");

  await gotoReady(page, "/picker");
  await page.getByRole("searchbox", { name: "Search" }).fill(tag);
  await expect(page.getByTestId("image-card")).toHaveCount(5);
  await page.getByRole("button", { name: "Choose ubuntu-24.04-server" }).click();
  await expect(page.getByTestId("server-create-command")).toBeVisible();
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, "picker");

  await page.context().clearCookies();
  await signIn(page, member.user.name, member.user.password);
  await gotoReady(page, "/shared");
  await expect(page.getByTestId("shared-row")).toHaveCount(2);
  await expect(page.getByTestId("pending-shares-count")).toHaveText(/^2/);
  await shot(page, "shared-inbox");
});
