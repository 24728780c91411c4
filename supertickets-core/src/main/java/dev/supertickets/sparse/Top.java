package dev.supertickets.sparse;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * Exact top-k selection for the sparse trainers: the {@code k} highest scores among eligible
 * entries, ties broken by the lower index, so the count is always exactly {@code k} (never more, as
 * a {@code >=} threshold could give).
 */
final class Top {
  private Top() {}

  /**
   * Which entries are chosen: the {@code k} eligible ones with the highest scores (equal scores:
   * lower index first).
   *
   * @throws IllegalArgumentException if fewer than {@code k} entries are eligible or an eligible
   *     score is NaN
   */
  static boolean[] select(double[] score, boolean[] eligible, long k) {
    checkArgument(
        score.length == eligible.length,
        "%s scores but %s eligibility flags",
        score.length,
        eligible.length);
    int n = 0;
    for (int i = 0; i < score.length; i++) {
      if (eligible[i]) {
        checkArgument(
            !Double.isNaN(score[i]), "score at flat index %s is NaN; scores must be numbers", i);
        n++;
      }
    }
    checkArgument(k >= 0 && k <= n, "cannot choose %s of %s eligible entries", k, n);
    Integer[] order = new Integer[n];
    int at = 0;
    for (int i = 0; i < score.length; i++) {
      if (eligible[i]) {
        order[at++] = i;
      }
    }
    // -0.0 and 0.0 compare equal here, unlike Double.compare, so zeros of either sign tie
    Arrays.sort(
        order,
        (a, b) -> score[a] != score[b] ? (score[a] > score[b] ? -1 : 1) : Integer.compare(a, b));
    boolean[] chosen = new boolean[score.length];
    for (int i = 0; i < k; i++) {
      chosen[order[i]] = true;
    }
    return chosen;
  }
}
