package dev.supertickets.cli;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the arguments that Maven's exec:exec hands over as one string ({@code -Dst.args="draw
 * --epochs 2"}).
 */
public final class Args {
  /**
   * Set by the exec:exec configuration of the cli and examples modules, so that a direct {@code
   * java} call is never split.
   */
  static final String FROM_MAVEN_PROPERTY = "st.argsFromMaven";

  private Args() {}

  /**
   * The arguments as the command should see them: split shell-like when they came through Maven.
   */
  public static String[] of(String[] args) {
    return Boolean.getBoolean(FROM_MAVEN_PROPERTY) ? split(args) : args;
  }

  /**
   * Splits every argument at white space outside quotes; single or double quotes group (a path with
   * a space: {@code --out 'my runs/t.stkt'}) and are removed. Empty results (an unset {@code
   * st.args}) vanish.
   *
   * @throws IllegalArgumentException for an unclosed quote
   */
  public static String[] split(String... args) {
    List<String> out = new ArrayList<>();
    for (String a : args) {
      StringBuilder token = new StringBuilder();
      boolean inToken = false;
      char quote = 0;
      for (int i = 0; i < a.length(); i++) {
        char c = a.charAt(i);
        if (quote != 0) {
          if (c == quote) {
            quote = 0;
          } else {
            token.append(c);
          }
        } else if (c == '\'' || c == '"') {
          quote = c;
          inToken = true;
        } else if (Character.isWhitespace(c)) {
          if (inToken) {
            out.add(token.toString());
            token.setLength(0);
            inToken = false;
          }
        } else {
          token.append(c);
          inToken = true;
        }
      }
      checkArgument(quote == 0, "unclosed %s quote in arguments %s; close it or drop it", quote, a);
      if (inToken) {
        out.add(token.toString());
      }
    }
    return out.toArray(new String[0]);
  }
}
