import { badRequest } from "../errors";

/** Keystone's boolean query values: true/false, 1/0, yes/no (any case); a bare key is true. */
export function queryBool(params: URLSearchParams, key: string): boolean | undefined {
  if (!params.has(key)) return undefined;
  const v = (params.get(key) ?? "").trim().toLowerCase();
  if (v === "" || ["true", "1", "yes", "on"].includes(v)) return true;
  if (["false", "0", "no", "off"].includes(v)) return false;
  throw badRequest(`Invalid value '${params.get(key)}' for ${key}: use true or false.`);
}

export const queryStr = (params: URLSearchParams, key: string): string | undefined =>
  params.get(key) ?? undefined;
