export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface LayerInfo {
  digest: string;
  size: number;
  mediaType: string;
}

export interface TagDetails {
  repository: string;
  tag: string;
  digest: string;
  mediaType: string;
  /** Compressed bytes: config + layers; for an index, summed over its platform manifests. */
  size: number;
  platforms: Platform[];
  created?: string;
  labels: Record<string, string>;
  /** For a single-platform image; an index lists its manifests instead. */
  config?: { digest: string; size: number };
  layers: LayerInfo[];
  manifests?: Array<{ digest: string; mediaType: string; size: number; platform?: Platform }>;
}

export interface ResolvedImage {
  digest: string;
  platforms: Platform[];
}
