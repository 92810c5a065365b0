import { expect, type Page } from "@playwright/test";

export async function signIn(page: Page, username: string, password: string) {
  await page.goto("/login");
  await page.locator('form[data-ready="true"]').waitFor();
  await page.getByLabel("Username or email").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-user")).toHaveText(username, { timeout: 30_000 });
  // The dashboard is a fresh page load: wait until React has made it interactive.
  await page.locator('button[data-ready="true"]', { hasText: "Sign out" }).waitFor();
}

export const pathOf = (page: Page) => new URL(page.url()).pathname;

/** The sign-in page, hydrated and ready for input. */
export async function openLogin(page: Page) {
  await page.goto("/login");
  await page.locator('form[data-ready="true"]').waitFor();
}

/** Opens a dashboard page and waits until it is interactive. */
export async function gotoReady(page: Page, path: string) {
  await page.goto(path);
  await page.locator('button[data-ready="true"]', { hasText: "Sign out" }).waitFor();
}
