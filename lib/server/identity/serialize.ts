import "server-only";
import { sha256Hex } from "../ids";
import { env } from "../env";
import { isoMicros, type ScopeInfo } from "./tokens";

// Keystone v3 wire shapes.

export function identityVersion(publicUrl: string) {
  return {
    id: "v3.14",
    status: "stable",
    updated: "2020-04-07T00:00:00Z",
    links: [{ rel: "self", href: `${publicUrl}/identity/v3/` }],
    "media-types": [{ base: "application/json", type: "application/vnd.openstack.identity-v3+json" }],
  };
}

function endpoint(service: string, iface: string, url: string) {
  const region = env().IRIS_REGION;
  return {
    id: sha256Hex(`${service}:${iface}`).slice(0, 32),
    interface: iface,
    region,
    region_id: region,
    url,
  };
}

const SERVICES = [
  { type: "identity", name: "keystone", path: "/identity", description: "Identity (Keystone v3 subset)" },
  { type: "image", name: "glance", path: "/image", description: "Image service (Glance v2)" },
] as const;

const serviceId = (type: string) => sha256Hex(`service:${type}`).slice(0, 32);
export const imageServiceId = () => serviceId("image");

/** GET /v3/services: the services of the catalog (Keystone's shape). */
export function serviceViews(publicUrl: string) {
  return SERVICES.map((s) => ({
    id: serviceId(s.type),
    type: s.type,
    name: s.name,
    description: s.description,
    enabled: true,
    links: { self: `${publicUrl}/identity/v3/services/${serviceId(s.type)}` },
  }));
}

/** The service catalog: identity at /identity and the Image API at /image, on every interface. */
export function serviceCatalog(publicUrl: string) {
  const services = SERVICES.map((s) => ({ type: s.type, name: s.name, url: `${publicUrl}${s.path}` }));
  return services.map((s) => ({
    id: serviceId(s.type),
    type: s.type,
    name: s.name,
    endpoints: ["public", "internal", "admin"].map((i) => endpoint(s.type, i, s.url)),
  }));
}

export function tokenBody(info: ScopeInfo, publicUrl: string, withCatalog: boolean) {
  const token: Record<string, unknown> = {
    methods: info.methods,
    user: {
      id: info.user.id,
      name: info.user.name,
      domain: { id: info.user.domainId, name: info.user.domainName },
      password_expires_at: null,
    },
    audit_ids: [info.auditId],
    issued_at: isoMicros(info.issuedAt),
    expires_at: isoMicros(info.expiresAt),
  };
  if (info.project) {
    token.project = {
      id: info.project.id,
      name: info.project.name,
      domain: { id: info.project.domainId, name: info.project.domainName },
    };
    token.is_domain = false;
    token.roles = info.roles.map((r) => ({ id: r.id, name: r.name }));
    if (withCatalog) token.catalog = serviceCatalog(publicUrl);
  }
  if (info.applicationCredential) token.application_credential = info.applicationCredential;
  return { token };
}
