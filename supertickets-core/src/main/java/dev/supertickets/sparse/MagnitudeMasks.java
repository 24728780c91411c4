package dev.supertickets.sparse;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.mask.Scope;
import dev.supertickets.mask.ScoredPolicy;
import dev.supertickets.mask.Scorers;

/**
 * The magnitude criterion of IMP and GMP: {@code |w|} with masked weights ranked below every active
 * one ({@code Magnitude.includeMasked(false)}), so a re-prune at a higher sparsity only removes
 * more weights, exactly {@link dev.supertickets.mask.Ranking#pruneCount} of them (per tensor with
 * {@link Scope#PER_LAYER}).
 */
final class MagnitudeMasks {
  private MagnitudeMasks() {}

  /**
   * The monotone magnitude policy in {@code scope}, {@link Scope#GLOBAL} or {@link Scope#PER_LAYER}
   * ({@code what} names the setting in the error).
   */
  static ScoredPolicy policy(Scope scope, String what) {
    checkNotNull(scope, "%s scope must not be null; use Scope.GLOBAL", what);
    // ERK's rounded per-tensor quotas are not guaranteed to grow with the sparsity: a tensor could
    // get weights back
    checkArgument(
        scope == Scope.GLOBAL || scope == Scope.PER_LAYER,
        "%s scope must be GLOBAL or PER_LAYER, got %s; ERK's rounded per-tensor quotas need not "
            + "grow with the sparsity, so masks could not be kept nested",
        what,
        scope);
    return ScoredPolicy.of(Scorers.magnitude().includeMasked(false)).scope(scope);
  }
}
