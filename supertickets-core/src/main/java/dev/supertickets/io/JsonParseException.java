package dev.supertickets.io;

/**
 * Malformed JSON text, refused by {@link Json#parse(String)}. The message says what was expected
 * and what was found, and where: {@link #line()}, {@link #column()} (both from 1) and {@link
 * #offset()} (the char index from 0) locate the first character the parser could not accept.
 */
public final class JsonParseException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** Index from 0 of the offending char. */
  private final int offset;

  /** Line from 1 of the offending char. */
  private final int line;

  /** Column from 1 of the offending char. */
  private final int column;

  JsonParseException(String problem, int offset, int line, int column) {
    super(
        "malformed JSON at line "
            + line
            + ", column "
            + column
            + " (offset "
            + offset
            + "): "
            + problem);
    this.offset = offset;
    this.line = line;
    this.column = column;
  }

  /** The index, from 0, of the offending char in the parsed string. */
  public int offset() {
    return offset;
  }

  /** The line, from 1, of the offending char; lines end at '\n'. */
  public int line() {
    return line;
  }

  /** The column, from 1, of the offending char within its line, counted in chars. */
  public int column() {
    return column;
  }
}
