import crypto from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, issueToken, test } from "../fixtures";
import { ImageApi } from "../support/images";
import { gotoReady, signIn } from "./helpers";

// The images pages pass axe's WCAG 2 A/AA rules in the light and the dark theme, at desktop and
// tablet width, with a dialog open too; and they work from the keyboard.

async function violations(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

for (const theme of ["light", "dark"] as const)
  test(`the images list, an image's page and the create dialog pass axe (${theme} theme)`, async ({
    page,
    identity,
    request,
  }) => {
    const { project, user } = await identity.projectWithUser("member");
    const { token } = await issueToken(request, user.name, user.password, project.name);
    const api = new ImageApi(request, token);
    const image = await api.create({ tags: ["gold"], os_distro: "debian" });
    await api.request.put(`/image/v2/images/${image.id}/file`, {
      headers: { ...api.h, "content-type": "application/octet-stream" },
      data: crypto.randomBytes(1000),
    });
    await api.create({ tags: ["queued-one"] });
    await page.addInitScript((t) => localStorage.setItem("iris-theme", t), theme);
    await signIn(page, user.name, user.password);

    for (const width of [1280, 800]) {
      await page.setViewportSize({ width, height: 900 });
      await gotoReady(page, "/images");
      await expect(page.getByRole("table")).toBeVisible();
      expect(await violations(page)).toEqual([]);

      await page.getByRole("button", { name: "Create image" }).click();
      await expect(page.getByRole("dialog", { name: "Create image" })).toBeVisible();
      expect(await violations(page)).toEqual([]);
      await page.keyboard.press("Escape");

      await gotoReady(page, `/images/${image.id}`);
      await expect(page.getByTestId("checksum")).toBeVisible();
      expect(await violations(page)).toEqual([]);
      await page.getByRole("button", { name: "Edit" }).click();
      await expect(page.getByRole("dialog")).toBeVisible();
      expect(await violations(page)).toEqual([]);
    }
  });

test("the images list works from the keyboard: filter, sort, open an image", async ({
  page,
  identity,
  request,
}) => {
  const { project, user } = await identity.projectWithUser("member");
  const { token } = await issueToken(request, user.name, user.password, project.name);
  const api = new ImageApi(request, token);
  const a = await api.create({ name: "kbd-a", tags: ["kbd"] });
  await api.create({ name: "kbd-b", tags: ["kbd"] });
  await signIn(page, user.name, user.password);
  await gotoReady(page, "/images");

  await page.getByRole("search").getByLabel("Tag").focus();
  await page.keyboard.type("kbd");
  await page.keyboard.press("Enter"); // submits the filter form
  await expect(page).toHaveURL(/tag=kbd/);
  await page.getByRole("button", { name: "Name" }).focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/sort=name%3Aasc/);
  const link = page.getByRole("link", { name: "kbd-a" });
  await link.focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/images/${a.id}$`));

  // A dialog takes the focus and gives it back on Escape.
  await page.getByRole("button", { name: "Edit" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("dialog")).toBeVisible();
  await expect(page.getByRole("dialog").getByLabel("Name", { exact: true })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toBeHidden();
  await expect(page.getByRole("button", { name: "Edit" })).toBeFocused();
});
