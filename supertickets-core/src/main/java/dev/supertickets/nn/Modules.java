package dev.supertickets.nn;

import com.google.common.collect.ImmutableList;
import java.util.ArrayDeque;
import java.util.Deque;

/** Traversals of a module tree. */
public final class Modules {
  private Modules() {}

  /** Every module of the tree rooted at {@code root}, depth first, root included. */
  public static ImmutableList<Module> all(Module root) {
    ImmutableList.Builder<Module> out = ImmutableList.builder();
    Deque<Module> stack = new ArrayDeque<>();
    stack.push(root);
    while (!stack.isEmpty()) {
      Module m = stack.pop();
      out.add(m);
      var kids = m.children();
      for (int i = kids.size() - 1; i >= 0; i--) {
        stack.push(kids.get(i));
      }
    }
    return out.build();
  }

  /** The modules of a given type in the tree, depth first. */
  public static <T extends Module> ImmutableList<T> ofType(Module root, Class<T> type) {
    ImmutableList.Builder<T> out = ImmutableList.builder();
    for (Module m : all(root)) {
      if (type.isInstance(m)) {
        out.add(type.cast(m));
      }
    }
    return out.build();
  }
}
