package dev.supertickets.io;

import static com.google.common.base.Preconditions.checkNotNull;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict JSON (RFC 8259) over plain Java object trees, read and written by Jackson's streaming
 * parser and generator.
 *
 * <p>{@link #parse(String)} returns a tree of {@link LinkedHashMap} (objects, keys in document
 * order), {@link ArrayList} (arrays), {@link String}, {@link Long} (numbers without fraction or
 * exponent that fit in a long), {@link Double} (every other number), {@link Boolean} and {@code
 * null}. It refuses anything RFC 8259 refuses (comments, trailing commas, single quotes, leading
 * zeros, NaN, unescaped control characters, trailing text) and also duplicate keys, numbers beyond
 * the double range and nesting deeper than {@link #MAX_DEPTH}, with a {@link JsonParseException}
 * (an {@link IllegalArgumentException}) that gives the line, column and offset.
 *
 * <p>{@link #write(Object)} and {@link #writePretty(Object)} accept the same kinds of tree: any
 * {@link Map} with {@code String} keys, any {@link Collection}, {@code String}, {@code Boolean},
 * {@code null}, and the numbers {@code Long}, {@code Integer}, {@code Short}, {@code Byte} (written
 * as integers) and {@code Double}, {@code Float} (written with {@link Double#toString(double)},
 * which always has a '.' or an exponent, so they read back as {@code Double}). Members are written
 * in the map's iteration order, so use a {@link LinkedHashMap} or a sorted map for stable text.
 * Numbers round-trip exactly: {@code parse(write(t))} equals {@code t} for every tree of the parse
 * types, {@code -0.0} included. Non-finite doubles, other number types and other objects are
 * refused with an {@link IllegalArgumentException} that names the path of the value ({@code
 * $.stages[2].channels}). Control characters and surrogates are written as {@code \}{@code uXXXX}
 * escapes, so the text stays valid UTF-16 (and UTF-8) even for a string holding an unpaired
 * surrogate.
 */
public final class Json {
  /** The deepest nesting of objects and arrays that {@link #parse} and the writers accept. */
  public static final int MAX_DEPTH = 512;

  private static final JsonFactory FACTORY =
      new JsonFactoryBuilder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .streamReadConstraints(
              StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH + 1).build())
          .characterEscapes(new SurrogateEscapes())
          .build();

  private Json() {}

  /**
   * Parses one JSON value (any type at the top level) surrounded by optional whitespace.
   *
   * @throws JsonParseException if the text is not exactly one well-formed JSON value
   */
  public static Object parse(String text) {
    checkNotNull(text, "text");
    try (JsonParser p = FACTORY.createParser(text)) {
      if (p.nextToken() == null) {
        throw error(text, text.length(), "expected a value, found the end of the text");
      }
      Object value = value(p, text, 0);
      if (p.nextToken() != null) {
        throw error(
            text,
            (int) p.currentTokenLocation().getCharOffset(),
            "expected the end of the text after the top-level value, found "
                + p.currentToken().asString());
      }
      return value;
    } catch (JacksonException e) {
      throw translate(text, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a String source does no I/O
    }
  }

  /**
   * Writes a tree as compact JSON (no whitespace).
   *
   * @throws IllegalArgumentException for a value JSON cannot hold, naming its path
   */
  public static String write(Object tree) {
    return generate(tree, false);
  }

  /**
   * Writes a tree as indented JSON: two spaces per level, one member or element per line, except
   * arrays that hold no object or array, which stay on one line ({@code [3, 5, 7]}). No trailing
   * newline.
   *
   * @throws IllegalArgumentException for a value JSON cannot hold, naming its path
   */
  public static String writePretty(Object tree) {
    return generate(tree, true);
  }

  private static Object value(JsonParser p, String text, int depth) throws IOException {
    JsonToken t = p.currentToken();
    if (t.isStructStart() && depth == MAX_DEPTH) {
      // checked here, not by Jackson's constraint (set one level deeper), to point at the bracket
      // itself
      throw error(
          text,
          (int) p.currentTokenLocation().getCharOffset(),
          "the text is nested deeper than " + MAX_DEPTH + " levels");
    }
    switch (t) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        for (String key = p.nextFieldName(); key != null; key = p.nextFieldName()) {
          p.nextToken();
          map.put(key, value(p, text, depth + 1));
        }
        return map;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          list.add(value(p, text, depth + 1));
        }
        return list;
      }
      case VALUE_STRING -> {
        return p.getText();
      }
      case VALUE_NUMBER_INT -> {
        JsonParser.NumberType type = p.getNumberType();
        if (type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG) {
          return p.getLongValue();
        }
        return finite(p, text, p.getDoubleValue());
      }
      case VALUE_NUMBER_FLOAT -> {
        return finite(p, text, p.getDoubleValue());
      }
      case VALUE_TRUE -> {
        return Boolean.TRUE;
      }
      case VALUE_FALSE -> {
        return Boolean.FALSE;
      }
      case VALUE_NULL -> {
        return null;
      }
      default ->
          throw error(text, (int) p.currentTokenLocation().getCharOffset(), "unexpected " + t);
    }
  }

  private static Double finite(JsonParser p, String text, double d) throws IOException {
    if (!Double.isFinite(d)) {
      throw error(
          text,
          (int) p.currentTokenLocation().getCharOffset(),
          "the number " + p.getText() + " is beyond the range of a double");
    }
    return d;
  }

  /** Jackson's message without its source excerpt, at Jackson's location. */
  private static JsonParseException translate(String text, JacksonException e) {
    JsonLocation at = e.getLocation();
    int offset = at == null ? text.length() : (int) at.getCharOffset();
    String problem =
        e.getOriginalMessage()
            .replace("Duplicate field", "duplicate key")
            .replaceAll(
                "end-of-input(?=[A-Za-z])",
                "end-of-input: ") // Jackson joins two phrases without a space
            .replaceAll("\\[Source: [^;]*; ", "[") // Jackson's source note says nothing here
            .replaceAll("\\s+", " ");
    return error(text, offset, problem);
  }

  private static JsonParseException error(String text, int offset, String problem) {
    int at = Math.max(0, Math.min(offset, text.length()));
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < at; i++) {
      if (text.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return new JsonParseException(problem, at, line, at - lineStart + 1);
  }

  private static String generate(Object tree, boolean pretty) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      Indent indent = pretty ? new Indent() : null;
      if (indent != null) {
        g.setPrettyPrinter(indent);
      }
      new Walk(g, indent).value(tree, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does no I/O
    }
    return out.toString();
  }

  /**
   * Walks a tree into a generator, checking what JSON can hold and keeping the path for messages.
   */
  private static final class Walk {
    private final JsonGenerator g;
    private final Indent indent;

    /**
     * Keys (String) and indices (Integer) from the root to the value being written, for error
     * messages.
     */
    private final Deque<Object> path = new ArrayDeque<>();

    Walk(JsonGenerator g, Indent indent) {
      this.g = g;
      this.indent = indent;
    }

    void value(Object v, int depth) throws IOException {
      if (v == null) {
        g.writeNull();
      } else if (v instanceof String str) {
        g.writeString(str);
      } else if (v instanceof Boolean b) {
        g.writeBoolean(b);
      } else if (v instanceof Long
          || v instanceof Integer
          || v instanceof Short
          || v instanceof Byte) {
        g.writeNumber(((Number) v).longValue());
      } else if (v instanceof Double || v instanceof Float) {
        double d = ((Number) v).doubleValue();
        if (!Double.isFinite(d)) {
          throw new IllegalArgumentException(
              "JSON has no " + d + ": the number at " + pathString() + " must be finite");
        }
        g.writeNumber(d);
      } else if (v instanceof Map<?, ?> map) {
        object(map, depth + 1);
      } else if (v instanceof Collection<?> list) {
        array(list, depth + 1);
      } else {
        throw new IllegalArgumentException(
            "cannot write a "
                + v.getClass().getName()
                + " at "
                + pathString()
                + " as JSON; use Map, Collection, String, Boolean, Long, Integer, Double or null"
                + (v instanceof Number ? " (convert other numbers to Long or Double)" : ""));
      }
    }

    private void object(Map<?, ?> map, int depth) throws IOException {
      checkDepth(depth);
      g.writeStartObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new IllegalArgumentException(
              "JSON object keys must be strings, found "
                  + (e.getKey() == null
                      ? "null"
                      : e.getKey().getClass().getName() + " " + e.getKey())
                  + " in the map at "
                  + pathString());
        }
        g.writeFieldName(key);
        path.addLast(key);
        value(e.getValue(), depth);
        path.removeLast();
      }
      g.writeEndObject();
    }

    private void array(Collection<?> list, int depth) throws IOException {
      checkDepth(depth);
      if (indent != null) {
        indent.nextArrayFlat =
            list.stream().noneMatch(x -> x instanceof Map || x instanceof Collection);
      }
      g.writeStartArray();
      int i = 0;
      for (Object element : list) {
        path.addLast(i++);
        value(element, depth);
        path.removeLast();
      }
      g.writeEndArray();
    }

    private void checkDepth(int depth) {
      if (depth > MAX_DEPTH) {
        throw new IllegalArgumentException(
            "the tree is nested deeper than "
                + MAX_DEPTH
                + " levels at "
                + pathString()
                + "; does it contain itself?");
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

  /**
   * The pretty layout: two spaces a level, one member or element a line, arrays of scalars on one
   * line. The walk tells it before each array whether the array is flat, which a streaming printer
   * cannot see ahead.
   */
  private static final class Indent implements PrettyPrinter {
    private final BitSet flat = new BitSet();
    private int level;
    boolean nextArrayFlat;

    private void newline(JsonGenerator g, int depth) throws IOException {
      g.writeRaw('\n');
      for (int k = 0; k < depth; k++) {
        g.writeRaw("  ");
      }
    }

    @Override
    public void writeRootValueSeparator(JsonGenerator g) {}

    @Override
    public void writeStartObject(JsonGenerator g) throws IOException {
      g.writeRaw('{');
      level++;
      flat.clear(level);
    }

    @Override
    public void beforeObjectEntries(JsonGenerator g) throws IOException {
      newline(g, level);
    }

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(": ");
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
      g.writeRaw(',');
      newline(g, level);
    }

    @Override
    public void writeEndObject(JsonGenerator g, int entries) throws IOException {
      level--;
      if (entries > 0) {
        newline(g, level);
      }
      g.writeRaw('}');
    }

    @Override
    public void writeStartArray(JsonGenerator g) throws IOException {
      g.writeRaw('[');
      level++;
      flat.set(level, nextArrayFlat);
    }

    @Override
    public void beforeArrayValues(JsonGenerator g) throws IOException {
      if (!flat.get(level)) {
        newline(g, level);
      }
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
      if (flat.get(level)) {
        g.writeRaw(", ");
      } else {
        g.writeRaw(',');
        newline(g, level);
      }
    }

    @Override
    public void writeEndArray(JsonGenerator g, int values) throws IOException {
      boolean wasFlat = flat.get(level);
      level--;
      if (values > 0 && !wasFlat) {
        newline(g, level);
      }
      g.writeRaw(']');
    }
  }

  /**
   * Escapes every surrogate as {@code \}{@code uXXXX}, so an unpaired one survives an encoding to
   * UTF-8.
   */
  private static final class SurrogateEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] ascii = standardAsciiEscapesForJSON();

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      return Character.isSurrogate((char) ch)
          ? new SerializedString(String.format("\\u%04X", ch))
          : null;
    }
  }
}
