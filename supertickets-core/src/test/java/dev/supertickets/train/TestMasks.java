package dev.supertickets.train;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Exact-count random masks for tests of the engine (the mask policies live in the core's mask package). */
final class TestMasks {
  private TestMasks() {}

  static INDArray random(INDArray like, double sparsity, SplittableRandom rng) {
    int n = Math.toIntExact(like.length());
    int pruned = (int) Math.floor(sparsity * n);
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    float[] m = new float[n];
    java.util.Arrays.fill(m, 1f);
    for (int i = 0; i < pruned; i++) {
      m[idx[i]] = 0f;
    }
    return Nd4j.create(m, like.shape(), 'c').castTo(like.dataType());
  }
}
