import { z } from "zod";

// Keystone v3 request bodies, as stock OpenStack clients send them.

const domainRef = z.object({ id: z.string().optional(), name: z.string().optional() });
const namedRef = z.object({
  id: z.string().max(255).optional(),
  name: z.string().max(255).optional(),
  domain: domainRef.optional(),
});

export const authRequestSchema = z.object({
  auth: z.object({
    identity: z.object({
      methods: z.array(z.string()).min(1, "identity.methods must name at least one method"),
      password: z.object({ user: namedRef.extend({ password: z.string().max(4096) }) }).optional(),
      token: z.object({ id: z.string() }).optional(),
      application_credential: z
        .object({
          id: z.string().optional(),
          name: z.string().optional(),
          secret: z.string().max(4096),
          user: namedRef.optional(),
        })
        .optional(),
    }),
    scope: z
      .union([
        z.literal("unscoped"),
        z.object({
          project: namedRef.optional(),
          domain: domainRef.optional(),
          system: z.unknown().optional(),
          "OS-TRUST:trust": z.unknown().optional(),
        }),
      ])
      .optional(),
  }),
});

export type AuthRequest = z.infer<typeof authRequestSchema>;
