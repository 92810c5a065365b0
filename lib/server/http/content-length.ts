import "server-only";
import http from "node:http";

// Next.js drops Content-Length from route handler responses (send-response.ts FORBIDDEN_HEADERS),
// so every streamed body goes out chunked. Glance's clients expect Content-Length on image
// downloads, so routes that know the exact length send it under this private name, and this
// hook, installed once at start, turns it back into Content-Length on the Node response.
export const CONTENT_LENGTH_HEADER = "x-iris-content-length";

let installed = false;

export function installContentLengthHook(): void {
  if (installed) return;
  installed = true;
  const original = http.OutgoingMessage.prototype.setHeader;
  http.OutgoingMessage.prototype.setHeader = function setHeader(
    this: http.OutgoingMessage,
    name: string,
    value: number | string | readonly string[],
  ) {
    if (typeof name === "string" && name.toLowerCase() === CONTENT_LENGTH_HEADER)
      return original.call(this, "content-length", value);
    return original.call(this, name, value);
  };
}
