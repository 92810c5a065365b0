import "server-only";
import { db } from "../db";
import { env } from "../env";
import { tooManyRequests } from "../errors";

// Failed sign-ins are counted per account name and per client address, in the database so
// that several instances behind a load balancer share the count. The account key is the name
// that was typed, whether or not such a user exists, so the throttle reveals nothing.

export interface ThrottleKeys {
  account: string;
  address: string | null;
}

function keys(k: ThrottleKeys): { key: string; max: number }[] {
  const e = env();
  const out = [{ key: `user:${k.account.trim().toLowerCase()}`, max: e.IRIS_SIGNIN_MAX_FAILURES_PER_USER }];
  if (k.address) out.push({ key: `addr:${k.address}`, max: e.IRIS_SIGNIN_MAX_FAILURES_PER_ADDRESS });
  return out;
}

/** Throws 429 when the account or the address is locked out. */
export async function assertNotThrottled(k: ThrottleKeys): Promise<void> {
  const now = Date.now();
  const rows = await db.signInThrottle.findMany({ where: { key: { in: keys(k).map((x) => x.key) } } });
  const until = Math.max(0, ...rows.map((r) => r.lockedUntil?.getTime() ?? 0));
  if (until > now) {
    const seconds = Math.ceil((until - now) / 1000);
    const minutes = Math.ceil(seconds / 60);
    throw tooManyRequests(
      `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
      seconds,
    );
  }
}

export async function recordFailure(k: ThrottleKeys): Promise<void> {
  const e = env();
  const now = new Date();
  for (const { key, max } of keys(k)) {
    const row = await db.signInThrottle.findUnique({ where: { key } });
    const windowExpired = !row || now.getTime() - row.windowStart.getTime() > e.IRIS_SIGNIN_WINDOW * 1000;
    const failures = windowExpired ? 1 : row.failures + 1;
    const lockedUntil = failures >= max ? new Date(now.getTime() + e.IRIS_SIGNIN_LOCKOUT * 1000) : null;
    const data = { failures, windowStart: windowExpired ? now : row.windowStart, lockedUntil };
    await db.signInThrottle.upsert({ where: { key }, create: { key, ...data }, update: data });
  }
}

/** A successful sign-in clears the account's count (the address keeps its own). */
export async function recordSuccess(k: ThrottleKeys): Promise<void> {
  await db.signInThrottle.deleteMany({ where: { key: keys(k)[0]!.key } });
}
