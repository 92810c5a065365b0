import crypto from "node:crypto";
import { expect, issueToken, randomName, test } from "../fixtures";
import { ImageApi, type Img } from "../support/images";
import { signIn } from "./helpers";

// The image picker ("Launch an image"): the images a project may boot, grouped by operating
// system, filtered, and the commands that boot the chosen one.

async function withData(api: ImageApi, image: Img) {
  const res = await api.request.put(`/image/v2/images/${image.id}/file`, {
    headers: { ...api.h, "content-type": "application/octet-stream" },
    data: crypto.randomBytes(3000),
  });
  expect(res.status(), await res.text()).toBe(204);
  return image;
}

test("the picker groups active public images by os_distro, hides hidden and inactive ones, and gives the launch commands", async ({
  page,
  identity,
  request,
  adminToken,
  context,
}) => {
  const admin = new ImageApi(request, adminToken);
  const distro = randomName("pickos").replace("-", ""); // e.g. pickos1a2b3c4d
  const label = distro.charAt(0).toUpperCase() + distro.slice(1);
  const common = { visibility: "public", os_distro: distro, min_disk: 5, min_ram: 1024 };
  const newer = await withData(
    admin,
    await admin.create({ ...common, name: randomName("pick-new"), os_version: "12", architecture: "x86_64" }),
  );
  const older = await withData(
    admin,
    await admin.create({ ...common, name: randomName("pick-old"), os_version: "9", architecture: "aarch64" }),
  );
  const hidden = await withData(
    admin,
    await admin.create({ ...common, name: randomName("pick-hidden"), os_hidden: true }),
  );
  const queued = await admin.create({ ...common, name: randomName("pick-queued") });

  const { project, user } = await identity.projectWithUser("member");
  const { token } = await issueToken(request, user.name, user.password, project.name);
  const own = await withData(
    new ImageApi(request, token),
    await new ImageApi(request, token).create({ name: randomName("pick-own") }),
  );
  await signIn(page, user.name, user.password);
  await page.getByRole("link", { name: "Launch" }).click();
  await expect(page.getByRole("heading", { name: "Launch an image", level: 1 })).toBeVisible();

  // The distribution's group, newest version first; hidden and queued images are not offered.
  const group = page.getByRole("region", { name: label });
  await expect(group.getByTestId("image-card")).toHaveCount(2);
  await expect(group.getByRole("heading", { level: 3 })).toHaveText([newer.name!, older.name!]);
  await expect(group.getByTestId("image-card").first()).toContainText("5 GiB");
  await expect(group.getByTestId("image-card").first()).toContainText("1024 MiB");
  await expect(group.getByTestId("image-card").first()).toContainText("x86_64");
  await expect(page.getByRole("heading", { name: hidden.name! })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: queued.name! })).toHaveCount(0);
  // The project's own image without os_distro is under "Other".
  await expect(
    page.getByRole("region", { name: "Other" }).getByRole("heading", { name: own.name! }),
  ).toBeVisible();

  // Filters: the OS, then the architecture, then a search.
  await page.getByLabel("Operating system").selectOption({ label });
  await expect(page.getByTestId("os-group")).toHaveCount(1);
  await page.getByLabel("Architecture").selectOption("aarch64");
  await expect(page.getByTestId("image-card")).toHaveCount(1);
  await expect(page.getByTestId("image-card")).toContainText(older.name!);
  await page.getByLabel("Architecture").selectOption("");
  await page.getByLabel("Operating system").selectOption("");
  await page.getByRole("searchbox", { name: "Search" }).fill(newer.name!);
  await expect(page.getByTestId("image-card")).toHaveCount(1);

  // Choosing gives the id and the commands, which follow the flavor typed.
  await page.getByRole("button", { name: `Choose ${newer.name}` }).click();
  await expect(page.getByRole("button", { name: `Chosen ${newer.name}` })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
  await expect(page.getByTestId("chosen-image-id")).toHaveText(newer.id);
  await expect(page.getByTestId("server-create-command")).toHaveText(
    new RegExp(`^openstack server create --image ${newer.id} --flavor m1\\.small --network private \\S+$`),
  );
  await expect(page.getByTestId("image-show-command")).toHaveText(`openstack image show ${newer.id}`);
  await expect(page.getByText("at least 5 GiB of disk and 1024 MiB of RAM")).toBeVisible();
  await page.getByLabel("Flavor").fill("m1.large");
  await page.getByLabel("Server name").fill("web 1");
  const command = `openstack server create --image ${newer.id} --flavor m1.large --network private 'web 1'`;
  await expect(page.getByTestId("server-create-command")).toHaveText(command);

  // The copy button puts the command on the clipboard.
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.getByRole("button", { name: "Copy: Launch a server from it" }).click();
  await expect(page.getByRole("button", { name: "Copy: Launch a server from it" })).toHaveText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(command);

  // The same images the API offers for booting.
  const listed = await new ImageApi(request, token).ids(`status=active&os_distro=${distro}`);
  expect(listed.sort()).toEqual([newer.id, older.id].sort());
});
