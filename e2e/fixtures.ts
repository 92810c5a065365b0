import { test as base, expect } from "@playwright/test";
import { ADMIN } from "./support/env";
import { IdentityAdmin, issueToken } from "./support/identity";

export { expect };
export { randomName, fakeAddress, issueToken, passwordAuthBody } from "./support/identity";
export { ADMIN } from "./support/env";

interface Fixtures {
  /** An admin token scoped to project "admin". */
  adminToken: string;
  /** Admin helpers over the Identity API. */
  identity: IdentityAdmin;
}

export const test = base.extend<Fixtures>({
  adminToken: async ({ request }, use) => {
    const { token } = await issueToken(request, ADMIN.name, ADMIN.password, ADMIN.project);
    await use(token);
  },
  identity: async ({ request, adminToken }, use) => {
    await use(new IdentityAdmin(request, adminToken));
  },
});
