import { ADMIN, expect, randomName, test } from "../fixtures";
import { gotoReady, signIn } from "./helpers";

test("an admin creates a project and a user, gives the user a role, and the user signs in to it", async ({
  page,
  browser,
}) => {
  const projectName = randomName("uiproj");
  const userName = randomName("uiuser");
  const password = "ui-password-123";
  await signIn(page, ADMIN.name, ADMIN.password);

  await page.getByRole("link", { name: "Projects" }).click();
  await page.getByRole("button", { name: "Create project" }).click();
  const projectDialog = page.getByRole("dialog", { name: "Create project" });
  await projectDialog.getByLabel("Project name").fill(projectName);
  await projectDialog.getByLabel("Description").fill("made in the browser");
  await projectDialog.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("link", { name: projectName })).toBeVisible();

  await page.getByRole("link", { name: "Users", exact: true }).click();
  await page.getByRole("button", { name: "Create user" }).click();
  const userDialog = page.getByRole("dialog", { name: "Create user" });
  await userDialog.getByLabel("User name").fill(userName);
  await userDialog.getByLabel("Password").fill(password);
  await userDialog.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("cell", { name: userName, exact: true })).toBeVisible();

  // Give the role on the project's page.
  await page.getByRole("link", { name: "Projects" }).click();
  await page.getByRole("link", { name: projectName }).click();
  await expect(page.getByRole("heading", { name: `Project ${projectName}` })).toBeVisible();
  await page.getByLabel("User").selectOption({ label: userName });
  await page.getByLabel("Role").selectOption({ label: "member" });
  await page.getByRole("button", { name: "Add to project" }).click();
  await expect(
    page
      .getByRole("table", { name: `Members of ${projectName}` })
      .getByRole("cell", { name: userName, exact: true }),
  ).toBeVisible();

  // The new user signs in (in a fresh browser context) and sees the project.
  const context = await browser.newContext();
  const userPage = await context.newPage();
  await signIn(userPage, userName, password);
  await expect(userPage.getByTestId("overview-project")).toHaveText(projectName);
  await expect(userPage.getByText("member, reader")).toBeVisible();
  await context.close();

  // Removing the role takes the project away.
  await page.getByRole("button", { name: `Remove role member from ${userName}` }).click();
  await expect(page.getByText("Nobody has a role on this project yet.")).toBeVisible();
});

test("a non-admin sees no administration and is told why on its pages", async ({ page, identity }) => {
  const { user } = await identity.projectWithUser("member");
  await signIn(page, user.name, user.password);
  await expect(
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }),
  ).toHaveCount(0);
  await page.goto("/admin/users");
  await expect(page.getByRole("alert").filter({ hasText: "admin role" })).toContainText(
    "You need the admin role",
  );
});

test("changing one's own password signs out everywhere and the new password works", async ({
  page,
  identity,
}) => {
  const { user } = await identity.projectWithUser("member");
  await signIn(page, user.name, user.password);
  await page.getByRole("link", { name: "Account" }).click();
  await page.getByLabel("Current password").fill(user.password);
  await page.getByLabel("New password", { exact: true }).fill("changed-in-the-ui");
  await page.getByLabel("Confirm new password").fill("changed-in-the-ui");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page).toHaveURL(/\/login/);
  await signIn(page, user.name, "changed-in-the-ui");
});

test("an application credential's secret is shown once", async ({ page, identity }) => {
  const { user } = await identity.projectWithUser("member");
  await signIn(page, user.name, user.password);
  await page.getByRole("link", { name: "Account" }).click();
  const name = randomName("cred");
  await page.getByLabel("Credential name").fill(name);
  await page.getByRole("button", { name: "Create credential" }).click();
  const dialog = page.getByRole("dialog", { name: "Copy the secret now" });
  const secret = (await dialog.getByTestId("appcred-secret").textContent())?.trim() ?? "";
  expect(secret.length).toBeGreaterThan(20);
  await dialog.getByRole("button", { name: "I have saved it" }).click();
  await expect(page.getByRole("cell", { name, exact: true })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("cell", { name, exact: true })).toBeVisible();
  expect(await page.content()).not.toContain(secret);
});

test("an admin disables and deletes a user and deletes a project, after confirming", async ({
  page,
  identity,
}) => {
  const project = await identity.createProject();
  const user = await identity.createUser();
  await signIn(page, ADMIN.name, ADMIN.password);
  await gotoReady(page, "/admin/users");
  await page.getByLabel("Search users").fill(user.name);
  await page.getByRole("button", { name: `Disable user ${user.name}` }).click();
  await expect(page.getByRole("button", { name: `Enable user ${user.name}` })).toBeVisible();
  await page.getByRole("button", { name: `Delete user ${user.name}` }).click();
  const confirmUser = page.getByRole("dialog", { name: `Delete user ${user.name}?` });
  await confirmUser.getByRole("button", { name: "Delete user" }).click();
  await expect(page.getByRole("cell", { name: user.name, exact: true })).toHaveCount(0);

  await gotoReady(page, "/admin/projects");
  await page.getByLabel("Search projects").fill(project.name);
  await page.getByRole("button", { name: `Delete project ${project.name}` }).click();
  const confirmProject = page.getByRole("dialog", { name: `Delete project ${project.name}?` });
  await confirmProject.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("link", { name: project.name })).toBeVisible();
  await page.getByRole("button", { name: `Delete project ${project.name}` }).click();
  await confirmProject.getByRole("button", { name: "Delete project" }).click();
  await expect(page.getByRole("link", { name: project.name })).toHaveCount(0);
});
