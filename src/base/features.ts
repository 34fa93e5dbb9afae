// The six libvmaf features every model reads, in input order: the input contract shared by the
// data layer (which columns a file must have) and the model layer (what an architecture takes in).
export const CANONICAL_FEATURES = ['adm2', 'vif_scale0', 'vif_scale1', 'vif_scale2', 'vif_scale3', 'motion2'] as const

export type CanonicalFeature = (typeof CANONICAL_FEATURES)[number]
