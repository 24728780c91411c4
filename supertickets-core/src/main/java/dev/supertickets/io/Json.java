package dev.supertickets.io;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict, dependency-free JSON codec (RFC 8259) over plain Java object trees.
 *
 * <p>{@link #parse(String)} returns a tree of {@link LinkedHashMap} (objects, keys in document order),
 * {@link ArrayList} (arrays), {@link String}, {@link Long} (numbers without fraction or exponent that fit in a
 * long), {@link Double} (every other number), {@link Boolean} and {@code null}. It refuses anything RFC 8259
 * refuses (comments, trailing commas, single quotes, leading zeros, NaN, unescaped control characters, trailing
 * text) and also duplicate keys, numbers beyond the double range and nesting deeper than {@link #MAX_DEPTH}, with a
 * {@link JsonParseException} (an {@link IllegalArgumentException}) that gives the line, column and offset.
 *
 * <p>{@link #write(Object)} and {@link #writePretty(Object)} accept the same kinds of tree: any {@link Map} with
 * {@code String} keys, any {@link Collection}, {@code String}, {@code Boolean}, {@code null}, and the numbers
 * {@code Long}, {@code Integer}, {@code Short}, {@code Byte} (written as integers) and {@code Double},
 * {@code Float} (written with {@link Double#toString(double)}, which always has a '.' or an exponent, so they read
 * back as {@code Double}). Members are written in the map's iteration order, so use a {@link LinkedHashMap} or a
 * sorted map for stable text. Numbers round-trip exactly: {@code parse(write(t))} equals {@code t} for every tree of
 * the parse types, {@code -0.0} included. Non-finite doubles, other number types and other objects are refused
 * with an {@link IllegalArgumentException} that names the path of the value ({@code $.stages[2].channels}).
 *
 * <p>Strings are written with the escapes {@code \" \\ \b \f \n \r \t}, {@code \}{@code uXXXX} for the other
 * control characters and for unpaired surrogates, and every other character as it is.
 */
public final class Json {
  /** The deepest nesting of objects and arrays that {@link #parse} and the writers accept. */
  public static final int MAX_DEPTH = 512;

  private Json() {}

  /**
   * Parses one JSON value (any type at the top level) surrounded by optional whitespace.
   *
   * @throws JsonParseException if the text is not exactly one well-formed JSON value
   */
  public static Object parse(String text) {
    checkNotNull(text, "text");
    Parser p = new Parser(text);
    p.skipWhitespace();
    Object value = p.value(0);
    p.skipWhitespace();
    if (p.pos < text.length()) {
      throw p.error("expected the end of the text after the top-level value, found " + p.describe());
    }
    return value;
  }

  /**
   * Writes a tree as compact JSON (no whitespace).
   *
   * @throws IllegalArgumentException for a value JSON cannot hold, naming its path
   */
  public static String write(Object tree) {
    StringBuilder out = new StringBuilder();
    new Writer(out, false).value(tree, 0);
    return out.toString();
  }

  /**
   * Writes a tree as indented JSON: two spaces per level, one member or element per line, except arrays that
   * hold no object or array, which stay on one line ({@code [3, 5, 7]}). No trailing newline.
   *
   * @throws IllegalArgumentException for a value JSON cannot hold, naming its path
   */
  public static String writePretty(Object tree) {
    StringBuilder out = new StringBuilder();
    new Writer(out, true).value(tree, 0);
    return out.toString();
  }

  /** Appends {@code s} as a quoted JSON string. */
  static void quote(String s, StringBuilder out) {
    out.append('"');
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            appendUnicodeEscape(c, out);
          } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            appendUnicodeEscape(c, out); // unpaired: keep the text valid UTF-16 when encoded
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static void appendUnicodeEscape(char c, StringBuilder out) {
    out.append("\\u");
    String hex = Integer.toHexString(c);
    for (int k = hex.length(); k < 4; k++) {
      out.append('0');
    }
    out.append(hex);
  }

  private static final class Parser {
    private final String s;
    private final int n;
    private int pos;

    Parser(String s) {
      this.s = s;
      this.n = s.length();
    }

    void skipWhitespace() {
      while (pos < n) {
        char c = s.charAt(pos);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
          pos++;
        } else {
          return;
        }
      }
    }

    Object value(int depth) {
      if (pos >= n) {
        throw error("expected a value, found the end of the text");
      }
      char c = s.charAt(pos);
      switch (c) {
        case '{':
          return object(depth + 1);
        case '[':
          return array(depth + 1);
        case '"':
          return string();
        case 't':
          literal("true");
          return Boolean.TRUE;
        case 'f':
          literal("false");
          return Boolean.FALSE;
        case 'n':
          literal("null");
          return null;
        default:
          if (c == '-' || (c >= '0' && c <= '9')) {
            return number();
          }
          throw error("expected a value (object, array, string, number, true, false or null), found " + describe());
      }
    }

    private Map<String, Object> object(int depth) {
      checkDepth(depth);
      pos++;
      Map<String, Object> map = new LinkedHashMap<>();
      skipWhitespace();
      if (pos < n && s.charAt(pos) == '}') {
        pos++;
        return map;
      }
      while (true) {
        skipWhitespace();
        if (pos >= n || s.charAt(pos) != '"') {
          throw error("expected a string key in the object, found " + describe());
        }
        int keyStart = pos;
        String key = string();
        if (map.containsKey(key)) {
          throw errorAt(keyStart, "duplicate key " + quoted(key) + " in the object");
        }
        skipWhitespace();
        if (pos >= n || s.charAt(pos) != ':') {
          throw error("expected ':' after the object key " + quoted(key) + ", found " + describe());
        }
        pos++;
        skipWhitespace();
        map.put(key, value(depth));
        skipWhitespace();
        if (pos < n && s.charAt(pos) == ',') {
          pos++;
        } else if (pos < n && s.charAt(pos) == '}') {
          pos++;
          return map;
        } else {
          throw error("expected ',' or '}' in the object, found " + describe());
        }
      }
    }

    private List<Object> array(int depth) {
      checkDepth(depth);
      pos++;
      List<Object> list = new ArrayList<>();
      skipWhitespace();
      if (pos < n && s.charAt(pos) == ']') {
        pos++;
        return list;
      }
      while (true) {
        skipWhitespace();
        list.add(value(depth));
        skipWhitespace();
        if (pos < n && s.charAt(pos) == ',') {
          pos++;
        } else if (pos < n && s.charAt(pos) == ']') {
          pos++;
          return list;
        } else {
          throw error("expected ',' or ']' in the array, found " + describe());
        }
      }
    }

    private void checkDepth(int depth) {
      if (depth > MAX_DEPTH) {
        throw error("objects and arrays are nested deeper than " + MAX_DEPTH + " levels");
      }
    }

    private String string() {
      int open = pos;
      pos++;
      StringBuilder sb = new StringBuilder();
      while (true) {
        if (pos >= n) {
          throw error("unterminated string that starts at offset " + open + "; add the closing '\"'");
        }
        char c = s.charAt(pos);
        if (c == '"') {
          pos++;
          return sb.toString();
        } else if (c == '\\') {
          escape(sb);
        } else if (c < 0x20) {
          throw error("control character " + describe() + " must be escaped inside a string");
        } else {
          sb.append(c);
          pos++;
        }
      }
    }

    private void escape(StringBuilder sb) {
      int backslash = pos;
      pos++;
      if (pos >= n) {
        throw error("unterminated escape sequence at the end of the text");
      }
      char e = s.charAt(pos);
      switch (e) {
        case '"' -> sb.append('"');
        case '\\' -> sb.append('\\');
        case '/' -> sb.append('/');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          int code = 0;
          for (int k = 1; k <= 4; k++) {
            int at = pos + k;
            int digit = at < n ? hexValue(s.charAt(at)) : -1;
            if (digit < 0) {
              pos = at;
              throw error("expected 4 hex digits after \\u, found " + describe());
            }
            code = code * 16 + digit;
          }
          sb.append((char) code);
          pos += 4;
        }
        default -> throw errorAt(backslash,
            "invalid escape \\" + e + "; only \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX are allowed");
      }
      pos++;
    }

    private Object number() {
      int start = pos;
      if (s.charAt(pos) == '-') {
        pos++;
      }
      if (pos >= n || !isDigit(s.charAt(pos))) {
        throw error("expected a digit after '-', found " + describe());
      }
      if (s.charAt(pos) == '0') {
        pos++;
        if (pos < n && isDigit(s.charAt(pos))) {
          throw error("leading zeros are not allowed in numbers");
        }
      } else {
        skipDigits();
      }
      boolean integral = true;
      if (pos < n && s.charAt(pos) == '.') {
        integral = false;
        pos++;
        if (pos >= n || !isDigit(s.charAt(pos))) {
          throw error("expected a digit after the decimal point, found " + describe());
        }
        skipDigits();
      }
      if (pos < n && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
        integral = false;
        pos++;
        if (pos < n && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
          pos++;
        }
        if (pos >= n || !isDigit(s.charAt(pos))) {
          throw error("expected a digit in the exponent, found " + describe());
        }
        skipDigits();
      }
      String literal = s.substring(start, pos);
      if (integral) {
        try {
          return Long.parseLong(literal);
        } catch (NumberFormatException beyondLong) {
          // read as a double below, like any integer outside the long range
        }
      }
      double d = Double.parseDouble(literal);
      if (Double.isInfinite(d)) {
        throw errorAt(start, "the number " + literal + " is beyond the range of a double");
      }
      return d;
    }

    private void skipDigits() {
      while (pos < n && isDigit(s.charAt(pos))) {
        pos++;
      }
    }

    private static int hexValue(char c) {
      if (c >= '0' && c <= '9') {
        return c - '0';
      } else if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
      }
      return -1;
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }

    private void literal(String word) {
      for (int k = 0; k < word.length(); k++) {
        if (pos + k >= n || s.charAt(pos + k) != word.charAt(k)) {
          pos += k;
          throw error("expected the literal " + word + ", found " + describe());
        }
      }
      pos += word.length();
    }

    String describe() {
      if (pos >= n) {
        return "the end of the text";
      }
      char c = s.charAt(pos);
      if (c >= 0x20 && c < 0x7f) {
        return "'" + c + "'";
      }
      return String.format("U+%04X", (int) c);
    }

    JsonParseException error(String problem) {
      return errorAt(pos, problem);
    }

    JsonParseException errorAt(int offset, String problem) {
      int line = 1;
      int lineStart = 0;
      for (int i = 0; i < offset && i < n; i++) {
        if (s.charAt(i) == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      return new JsonParseException(problem, offset, line, offset - lineStart + 1);
    }

    private static String quoted(String key) {
      StringBuilder sb = new StringBuilder();
      quote(key.length() > 40 ? key.substring(0, 40) + "..." : key, sb);
      return sb.toString();
    }
  }

  private static final class Writer {
    private final StringBuilder out;
    private final boolean pretty;
    /** Keys (String) and indices (Integer) from the root to the value being written, for error messages. */
    private final Deque<Object> path = new ArrayDeque<>();

    Writer(StringBuilder out, boolean pretty) {
      this.out = out;
      this.pretty = pretty;
    }

    void value(Object v, int depth) {
      if (v == null) {
        out.append("null");
      } else if (v instanceof String str) {
        quote(str, out);
      } else if (v instanceof Boolean b) {
        out.append(b.booleanValue());
      } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
        out.append(((Number) v).longValue());
      } else if (v instanceof Double || v instanceof Float) {
        double d = ((Number) v).doubleValue();
        if (!Double.isFinite(d)) {
          throw new IllegalArgumentException("JSON has no " + d + ": the number at " + pathString()
              + " must be finite");
        }
        out.append(Double.toString(d));
      } else if (v instanceof Map<?, ?> map) {
        object(map, depth + 1);
      } else if (v instanceof Collection<?> list) {
        array(list, depth + 1);
      } else {
        throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " at " + pathString()
            + " as JSON; use Map, Collection, String, Boolean, Long, Integer, Double or null"
            + (v instanceof Number ? " (convert other numbers to Long or Double)" : ""));
      }
    }

    private void object(Map<?, ?> map, int depth) {
      checkDepth(depth);
      if (map.isEmpty()) {
        out.append("{}");
        return;
      }
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new IllegalArgumentException("JSON object keys must be strings, found "
              + (e.getKey() == null ? "null" : e.getKey().getClass().getName() + " " + e.getKey())
              + " in the map at " + pathString());
        }
        if (!first) {
          out.append(',');
        }
        first = false;
        newline(depth);
        quote(key, out);
        out.append(pretty ? ": " : ":");
        path.addLast(key);
        value(e.getValue(), depth);
        path.removeLast();
      }
      newline(depth - 1);
      out.append('}');
    }

    private void array(Collection<?> list, int depth) {
      checkDepth(depth);
      if (list.isEmpty()) {
        out.append("[]");
        return;
      }
      boolean flat = !pretty || list.stream().noneMatch(x -> x instanceof Map || x instanceof Collection);
      out.append('[');
      int i = 0;
      for (Iterator<?> it = list.iterator(); it.hasNext(); i++) {
        if (i > 0) {
          out.append(pretty && flat ? ", " : ",");
        }
        if (!flat) {
          newline(depth);
        }
        path.addLast(i);
        value(it.next(), depth);
        path.removeLast();
      }
      if (!flat) {
        newline(depth - 1);
      }
      out.append(']');
    }

    private void newline(int depth) {
      if (pretty) {
        out.append('\n');
        for (int k = 0; k < depth; k++) {
          out.append("  ");
        }
      }
    }

    private void checkDepth(int depth) {
      if (depth > MAX_DEPTH) {
        throw new IllegalArgumentException("the tree is nested deeper than " + MAX_DEPTH + " levels at "
            + pathString() + "; does it contain itself?");
      }
    }

    private String pathString() {
      StringBuilder sb = new StringBuilder("$");
      for (Object step : path) {
        if (step instanceof Integer index) {
          sb.append('[').append(index).append(']');
        } else {
          sb.append('.').append(step);
        }
      }
      return sb.toString();
    }
  }
}
