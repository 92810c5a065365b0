import { expect, type Page } from "@playwright/test";

export async function signIn(page: Page, username: string, password: string) {
  await page.goto("/login");
  await page.locator('form[data-ready="true"]').waitFor();
  await page.getByLabel("Username or email").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-user")).toHaveText(username, { timeout: 30_000 });
}

export const pathOf = (page: Page) => new URL(page.url()).pathname;

/** The sign-in page, hydrated and ready for input. */
export async function openLogin(page: Page) {
  await page.goto("/login");
  await page.locator('form[data-ready="true"]').waitFor();
}
