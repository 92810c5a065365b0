// The image as the services see it: the row with its custom properties and tags.
export interface ImageRecord {
  id: string;
  name: string | null;
  status: string;
  visibility: string;
  protected: boolean;
  osHidden: boolean;
  checksum: string | null;
  osHashAlgo: string | null;
  osHashValue: string | null;
  size: bigint | null;
  virtualSize: bigint | null;
  diskFormat: string | null;
  containerFormat: string | null;
  minDisk: number;
  minRam: number;
  owner: string | null;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
  deleted: boolean;
  properties: { name: string; value: string }[];
  tags: { value: string }[];
  locations?: { store: string; status: string }[];
}

export const imageInclude = {
  properties: { select: { name: true, value: true } },
  tags: { select: { value: true }, orderBy: { value: "asc" } },
} as const;
