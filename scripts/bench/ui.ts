// `npm run bench` part "ui": the dashboard's images list with 100,000 images, in Debian's Chromium —
// the time from navigation to a filled table (page load, hydration, the list request and render)
// for the unfiltered list, a tag filter and a sort, and for the next page.
import { chromium, type Page } from "@playwright/test";
import type { IrisServer } from "../test/iris-server";
import { BENCH_PASSWORD, BENCH_USER } from "./seed";

const SAMPLES = Number(process.env.BENCH_UI_SAMPLES ?? 15);

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

/** Milliseconds from navigation to 25 rows in the table. */
async function loadTable(page: Page, url: string): Promise<number> {
  const t0 = performance.now();
  await page.goto(url);
  await page.locator("table tbody tr").nth(24).waitFor({ timeout: 30_000 });
  return performance.now() - t0;
}

export async function uiBenchmark(server: IrisServer, db: string): Promise<string[]> {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
  const lines: string[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/login`);
    await page.locator('form[data-ready="true"]').waitFor();
    await page.getByLabel("Username or email").fill(BENCH_USER);
    await page.getByLabel("Password").fill(BENCH_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("current-user").waitFor();
    const scenarios: [string, string][] = [
      ["unfiltered", "/images"],
      ["tag=tag-7", "/images?tag=tag-7"],
      ["sort=size:desc", "/images?sort=size%3Adesc"],
    ];
    for (const [name, path] of scenarios) {
      await loadTable(page, `${server.url}${path}`); // warm-up
      const ms: number[] = [];
      for (let i = 0; i < SAMPLES; i++) ms.push(await loadTable(page, `${server.url}${path}`));
      const line = `ui ${db.padEnd(8)} images page ${name.padEnd(16)} navigation → 25 rows: p50 ${percentile(ms, 50).toFixed(0)} ms, p95 ${percentile(ms, 95).toFixed(0)} ms (${SAMPLES} loads)`;
      console.log(line);
      lines.push(line);
    }
    // Paging within the page (no reload): click "Next page" and wait for other rows.
    await loadTable(page, `${server.url}/images`);
    const ms: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const first = await page.locator("table tbody tr td:nth-child(2)").first().innerText();
      const t0 = performance.now();
      await page.getByRole("button", { name: "Next page" }).click();
      await page.waitForFunction(
        (before) =>
          (document.querySelector("table tbody tr td:nth-child(2)") as HTMLElement | null)?.innerText !==
          before,
        first,
      );
      await page.locator("table tbody tr").nth(24).waitFor();
      ms.push(performance.now() - t0);
    }
    const line = `ui ${db.padEnd(8)} images page next page        click → 25 new rows: p50 ${percentile(ms, 50).toFixed(0)} ms, p95 ${percentile(ms, 95).toFixed(0)} ms (${SAMPLES} pages)`;
    console.log(line);
    lines.push(line);
  } finally {
    await browser.close();
  }
  return lines;
}
