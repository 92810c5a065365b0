import { ADMIN, expect, randomName, test } from "../fixtures";
import { openLogin, pathOf, signIn } from "./helpers";

test("sign in as the first administrator and land on the overview", async ({ page }) => {
  await signIn(page, ADMIN.name, ADMIN.password);
  expect(pathOf(page)).toBe("/");
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(page.getByTestId("overview-project")).toHaveText("admin");
  await expect(
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }),
  ).toBeVisible();
});

test("a wrong password says so plainly, and the same for a user that does not exist", async ({
  page,
  identity,
}) => {
  const user = await identity.createUser();
  // A name with NUL in it, too: PostgreSQL cannot compare it, and it once reached the sign-in
  // error page as the database's own message.
  for (const name of [user.name, randomName("nobody"), `${user.name}\u0000`]) {
    await openLogin(page);
    await page.getByLabel("Username or email").fill(name);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "incorrect" })).toHaveText(
      "The username or password is incorrect.",
    );
    expect(pathOf(page)).toBe("/login");
  }
});

test("sign in with an email address", async ({ page, identity }) => {
  const name = randomName("mail");
  const user = await identity.createUser(name, undefined, { email: `${name}@example.org` });
  await openLogin(page);
  await page.getByLabel("Username or email").fill(`${name}@example.org`);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-user")).toHaveText(name);
});

test("sign out returns to the sign-in page and the dashboard then asks to sign in", async ({ page }) => {
  await signIn(page, ADMIN.name, ADMIN.password);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole("heading", { name: "Sign in to Iris" })).toBeVisible();
});

test("switching project changes the current project, and the choice survives a reload", async ({
  page,
  identity,
}) => {
  const { project, user } = await identity.projectWithUser("member");
  const second = await identity.createProject();
  await identity.grant(second.id, user.id, "reader");
  await signIn(page, user.name, user.password);
  const switcher = page.getByRole("combobox", { name: "Current project" });
  const first = await page.getByTestId("overview-project").textContent();
  expect([project.name, second.name]).toContain(first);
  const target = first === project.name ? second : project;
  await switcher.selectOption({ label: target.name });
  await expect(page.getByTestId("overview-project")).toHaveText(target.name);
  await page.reload();
  await expect(page.getByTestId("overview-project")).toHaveText(target.name);
  await expect(page.getByRole("combobox", { name: "Current project" })).toHaveValue(target.id);
});
