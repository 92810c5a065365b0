import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { ADMIN, expect, test } from "../fixtures";
import { gotoReady, openLogin, signIn } from "./helpers";

// The pages outside the images section — sign-in, overview, account, and the administration of
// projects and users — pass axe's WCAG 2 A/AA rules in the light and the dark theme, at desktop
// and tablet width. (The images, sharing, picker and admin-quota pages have their own checks.)

async function violations(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
  return result.violations.map(
    (v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
}

for (const theme of ["light", "dark"] as const)
  test(`sign-in, overview, account, projects and users pass axe (${theme} theme)`, async ({
    page,
    identity,
  }) => {
    const project = await identity.createProject();
    await page.addInitScript((t) => localStorage.setItem("iris-theme", t), theme);
    for (const width of [1280, 800]) {
      await page.setViewportSize({ width, height: 900 });
      await page.context().clearCookies();
      await openLogin(page);
      expect(await violations(page)).toEqual([]);
      // A failed sign-in shows its message: still accessible.
      await page.getByLabel("Username or email").fill("nobody-here");
      await page.getByLabel("Password").fill("wrong-password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByRole("alert")).toBeVisible();
      expect(await violations(page)).toEqual([]);

      await signIn(page, ADMIN.name, ADMIN.password);
      for (const [path, heading] of [
        ["/", "Overview"],
        ["/account", "Account"],
        ["/admin/projects", "Projects"],
        [`/admin/projects/${project.id}`, project.name],
        ["/admin/users", "Users"],
      ] as const) {
        await gotoReady(page, path);
        await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
        expect(await violations(page), `${path} at ${width} px`).toEqual([]);
      }
    }
  });
