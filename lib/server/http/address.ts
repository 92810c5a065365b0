import "server-only";
import { env } from "../env";

/**
 * The client's address from x-forwarded-for, which Next's server fills with the socket's peer.
 * Behind a trusted proxy (IRIS_TRUST_PROXY) the left-most entry is the client; otherwise only
 * the right-most one, added by our own server, can be believed.
 */
export function addressFromForwardedFor(xff: string | null | undefined): string | null {
  if (!xff) return null;
  const parts = xff
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const ip = env().IRIS_TRUST_PROXY ? parts[0] : parts[parts.length - 1];
  return ip?.replace(/^::ffff:/, "") ?? null;
}
