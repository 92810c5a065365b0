import "server-only";
import fs from "node:fs";
import { policyFile } from "../env";
import { forbidden } from "../errors";
import { DEFAULT_RULES } from "./defaults";
import { parseOverrides, RuleSet, type Target } from "./rules";

// The one policy module: "may this caller do this to this image". Glance's default rules, merged
// with an operator's overrides from IRIS_POLICY_FILE (JSON, or oslo.policy-style YAML lines).

export type PolicyCaller = { projectId: string | null; roles: string[]; userId: string };
export type PolicyTarget = Target;

let ruleSet: RuleSet | undefined;

/** Loads the rules (defaults + `overrides`, or the file's); throws a clear error for a bad file. */
export function loadPolicy(overrides?: Record<string, string>): RuleSet {
  let extra = overrides;
  if (!extra) {
    const file = policyFile();
    let text = "";
    if (file)
      try {
        text = fs.readFileSync(file, "utf8");
      } catch (e) {
        throw new Error(
          `IRIS_POLICY_FILE: ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? e}).`,
        );
      }
    extra = file ? parseOverrides(text, file) : {};
  }
  ruleSet = new RuleSet({ ...DEFAULT_RULES, ...extra });
  return ruleSet;
}

export function resetPolicyCache(): void {
  ruleSet = undefined;
}

export function can(action: string, caller: PolicyCaller, target: PolicyTarget = {}): boolean {
  const rules = ruleSet ?? loadPolicy();
  return rules.check(
    action,
    { roles: caller.roles, project_id: caller.projectId, user_id: caller.userId },
    { project_id: caller.projectId, ...target },
  );
}

export function assertAllowed(
  action: string,
  caller: PolicyCaller,
  target: PolicyTarget = {},
  message?: string,
): void {
  if (!can(action, caller, target))
    throw forbidden(message ?? `You are not authorized to complete ${action} action.`);
}

/** The target Glance's rules are written against: project_id is the image's owner. */
export function imageTarget(
  image: { owner: string | null; visibility: string },
  memberStatus?: string | null,
  memberId?: string | null,
): PolicyTarget {
  return {
    owner: image.owner,
    project_id: image.owner,
    visibility: image.visibility,
    member_status: memberStatus ?? null,
    member_id: memberId ?? null,
  };
}
