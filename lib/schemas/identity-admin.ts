import { z } from "zod";

// Keystone v3 administration bodies.

const name = z.string().trim().min(1, "must not be empty").max(64);

export const projectCreateSchema = z.object({
  project: z.object({
    name,
    domain_id: z.string().optional(),
    description: z.string().max(1024).nullish(),
    enabled: z.boolean().optional(),
    is_domain: z.literal(false).optional(),
    parent_id: z.string().nullish(),
    tags: z.array(z.string()).optional(),
    options: z.record(z.string(), z.unknown()).optional(),
  }),
});

export const projectUpdateSchema = z.object({
  project: z.object({
    name: name.optional(),
    description: z.string().max(1024).nullish(),
    enabled: z.boolean().optional(),
    tags: z.array(z.string()).optional(),
    options: z.record(z.string(), z.unknown()).optional(),
  }),
});

export const userCreateSchema = z.object({
  user: z.object({
    name: z.string().trim().min(1, "must not be empty").max(255),
    domain_id: z.string().optional(),
    password: z.string().max(4096).nullish(),
    email: z.email().max(255).nullish(),
    description: z.string().max(1024).nullish(),
    enabled: z.boolean().optional(),
    default_project_id: z.string().nullish(),
    options: z.record(z.string(), z.unknown()).optional(),
  }),
});

export const userUpdateSchema = z.object({
  user: z.object({
    name: z.string().trim().min(1).max(255).optional(),
    password: z.string().max(4096).nullish(),
    email: z.email().max(255).nullish(),
    description: z.string().max(1024).nullish(),
    enabled: z.boolean().optional(),
    default_project_id: z.string().nullish(),
    options: z.record(z.string(), z.unknown()).optional(),
  }),
});

export const passwordChangeSchema = z.object({
  user: z.object({ password: z.string().max(4096), original_password: z.string().max(4096) }),
});

export const roleCreateSchema = z.object({
  role: z.object({
    name: z.string().trim().min(1).max(255),
    description: z.string().max(1024).nullish(),
    domain_id: z.null().optional(),
    options: z.record(z.string(), z.unknown()).optional(),
  }),
});

const roleRef = z.object({ id: z.string().optional(), name: z.string().optional() });

export const appCredCreateSchema = z.object({
  application_credential: z.object({
    name: z.string().trim().min(1).max(255),
    description: z.string().max(1024).nullish(),
    secret: z.string().min(1).max(4096).nullish(),
    expires_at: z.string().nullish(),
    roles: z.array(roleRef).nullish(),
    unrestricted: z.boolean().nullish(),
    access_rules: z.array(z.unknown()).nullish(),
  }),
});
