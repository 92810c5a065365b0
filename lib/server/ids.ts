import crypto from "node:crypto";

/** Keystone-style id: 32 lowercase hex characters. */
export const newHexId = (): string => crypto.randomBytes(16).toString("hex");

/** RFC 4122 version 4 UUID, as Glance uses for images, members and tasks. */
export const newUuid = (): string => crypto.randomUUID();

export const sha256Hex = (value: string): string => crypto.createHash("sha256").update(value).digest("hex");

/** An unguessable secret for tokens and application credentials (256 bits, base64url). */
export const newSecret = (): string => crypto.randomBytes(32).toString("base64url");
