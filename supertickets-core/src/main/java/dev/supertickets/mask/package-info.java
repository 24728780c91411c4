/**
 * Masks for unstructured pruning: a {@link dev.supertickets.mask.MaskPolicy} computes one binary
 * mask per prunable parameter from a {@link dev.supertickets.mask.MaskContext} (model, parameters
 * chosen by a {@link dev.supertickets.mask.Selector}, data, loss, seeded random streams) and a
 * target sparsity, and {@link dev.supertickets.mask.Masks#install} puts them on the parameters,
 * whose forward pass then uses {@code mask ⊙ w} while pruned weights keep their values. Most
 * policies are a {@link dev.supertickets.mask.Scorer} (magnitude, random, SNIP, GraSP, SynFlow in
 * {@link dev.supertickets.mask.Scorers}) ranked by {@link dev.supertickets.mask.Ranking} in a
 * {@link dev.supertickets.mask.Scope} (global, per layer, ERK) with exact counts and deterministic
 * tie-breaking, optionally over several rounds ({@link dev.supertickets.mask.ScoredPolicy});
 * presets are in {@link dev.supertickets.mask.MaskPolicies}, and {@link
 * dev.supertickets.mask.MaskSet} is an immutable by-name snapshot of masks for recording and
 * re-installing them.
 */
package dev.supertickets.mask;
