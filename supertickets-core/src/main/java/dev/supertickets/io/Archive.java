package dev.supertickets.io;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import com.google.common.hash.Hashing;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The container of every file SuperTickets-J writes (tickets, checkpoints): a ZIP archive, readable
 * as a NumPy {@code .npz} when its entries are {@code .npy} arrays, whose first entry {@value
 * #MANIFEST} holds the magic line {@value #MAGIC}, the file kind, the format version and the
 * SHA-256 of every other entry. The ZIP comment at the very end of the file repeats magic, kind and
 * version and ends with the SHA-256 of every byte before it, so that a flip anywhere (ZIP headers
 * and directory included) and any truncation are detected before anything is decompressed. Files
 * written before that whole-file checksum existed (comment {@code MAGIC kind vN} alone) are still
 * read, with the per-entry checks.
 *
 * <p>The kind and its format version belong to the caller (e.g. {@code ticket} version 1): the
 * container itself does not change with them, so a new kind such as {@code checkpoint} needs no
 * change here.
 */
public final class Archive {
  /** Name of the manifest entry. */
  public static final String MANIFEST = "MANIFEST.txt";

  /** First line of every manifest, and start of every ZIP comment. */
  public static final String MAGIC = "SUPERTICKETS-J ARCHIVE";

  /**
   * {@code MAGIC kind vN}, then (since the whole-file checksum) {@code sha256 <64 hex digits>};
   * whatever a newer version puts after the version is let through here, so that such a file is
   * refused as newer, not as foreign.
   */
  private static final Pattern COMMENT =
      Pattern.compile(Pattern.quote(MAGIC) + " ([a-z-]+) v([0-9]{1,9})(.*)", Pattern.DOTALL);

  private static final Pattern DIGEST = Pattern.compile(" sha256 ([0-9a-f]{64})");
  private static final int DIGEST_HEX = 64;

  /** End-of-central-directory record: 22 bytes, then the comment. */
  private static final int EOCD = 22;

  /** Our comments are short; a comment longer than this is not ours and is not searched for. */
  private static final int MAX_COMMENT = 256;

  private final String kind;
  private final int version;
  private final ImmutableMap<String, byte[]> entries;

  /**
   * An archive of {@code kind} (lower-case letters and dashes) in format {@code version}
   * (positive); entry names are non-empty single lines, and {@value #MANIFEST} is reserved.
   */
  public Archive(String kind, int version, Map<String, byte[]> entries) {
    checkNotNull(kind, "archive kind must not be null; pass e.g. \"ticket\"");
    checkNotNull(entries, "archive entries must not be null; pass an empty map for none");
    checkArgument(
        kind.matches("[a-z-]+"),
        "archive kind must be lower-case letters and dashes, got \"%s\"; e.g. \"ticket\" or"
            + " \"checkpoint\"",
        kind);
    checkArgument(
        version > 0, "format version must be positive, got %s; versions start at 1", version);
    for (Map.Entry<String, byte[]> e : entries.entrySet()) {
      checkNotNull(e.getKey(), "archive entry names must not be null");
      checkNotNull(
          e.getValue(),
          "archive entry %s has null bytes; pass an empty array for an empty entry",
          e.getKey());
      checkArgument(
          !e.getKey().isEmpty() && e.getKey().indexOf('\n') < 0 && e.getKey().indexOf('\r') < 0,
          "archive entry name \"%s\" must be non-empty and on one line: the manifest lists one"
              + " entry per line",
          e.getKey());
    }
    checkArgument(
        !entries.containsKey(MANIFEST),
        "entry name %s is reserved for the manifest; rename the entry",
        MANIFEST);
    this.kind = kind;
    this.version = version;
    this.entries = ImmutableMap.copyOf(entries);
  }

  /** What the file holds, e.g. {@code ticket}; readers refuse other kinds. */
  public String kind() {
    return kind;
  }

  /** The format version of this kind the file was written in. */
  public int version() {
    return version;
  }

  /** The entries by name, manifest excluded; the arrays are shared, so never modify them. */
  public ImmutableMap<String, byte[]> entries() {
    return entries;
  }

  /**
   * The bytes of an entry (shared: never modify), or a {@link FileFormatException} naming the
   * missing entry.
   */
  public byte[] entry(String name, Path file) throws FileFormatException {
    checkNotNull(name, "entry name must not be null");
    checkNotNull(
        file, "file must not be null; pass the file the archive was read from, for messages");
    byte[] b = entries.get(name);
    if (b == null) {
      throw new FileFormatException(file, "entry " + name + " is missing");
    }
    return b;
  }

  /** Writes the archive atomically (see {@link AtomicFiles}). */
  public void write(Path file) throws IOException {
    checkNotNull(file, "file must not be null");
    AtomicFiles.write(file, toBytes());
  }

  byte[] toBytes() throws IOException {
    StringBuilder manifest =
        new StringBuilder(MAGIC)
            .append('\n')
            .append("kind ")
            .append(kind)
            .append('\n')
            .append("version ")
            .append(version)
            .append('\n');
    for (Map.Entry<String, byte[]> e : entries.entrySet()) {
      manifest
          .append("sha256 ")
          .append(sha256(e.getValue()))
          .append(' ')
          .append(e.getKey())
          .append('\n');
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      // a placeholder of the digest's length, overwritten below: the comment is the last thing in a
      // ZIP file
      zip.setComment(MAGIC + " " + kind + " v" + version + " sha256 " + "0".repeat(DIGEST_HEX));
      put(zip, MANIFEST, manifest.toString().getBytes(StandardCharsets.UTF_8));
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        put(zip, e.getKey(), e.getValue());
      }
    }
    byte[] all = bytes.toByteArray();
    int body = all.length - DIGEST_HEX;
    byte[] digest =
        Hashing.sha256().hashBytes(all, 0, body).toString().getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(digest, 0, all, body, DIGEST_HEX);
    return all;
  }

  /**
   * Reads and verifies an archive of {@code expectedKind} written in a format version from 1 to
   * {@code maxVersion}.
   *
   * @throws FileFormatException the only exception for a file that will not load, with a message
   *     naming the file and the problem: not a SuperTickets-J archive (foreign or random bytes),
   *     truncated, corrupt (a checksum, the ZIP structure or the manifest does not match), of
   *     another kind, or written in a newer format version than {@code maxVersion} (the message
   *     names the versions this library reads and says that a newer SuperTickets-J is needed)
   * @throws IOException when the file cannot be read at all (missing, no permission)
   */
  public static Archive read(Path file, String expectedKind, int maxVersion) throws IOException {
    checkNotNull(file, "file must not be null");
    checkNotNull(expectedKind, "expected kind must not be null; pass e.g. \"ticket\"");
    checkArgument(
        maxVersion > 0, "the newest readable version must be positive, got %s", maxVersion);
    byte[] all = Files.readAllBytes(file);
    Matcher comment = trailer(all, file);
    String kind = comment.group(1);
    int version = Integer.parseInt(comment.group(2));
    Matcher digest = DIGEST.matcher(comment.group(3));
    boolean hasDigest = digest.matches();
    if (hasDigest
        && !Hashing.sha256()
            .hashBytes(all, 0, all.length - DIGEST_HEX)
            .toString()
            .equals(digest.group(1))) {
      throw new FileFormatException(
          file,
          "fails its whole-file SHA-256 checksum: the file is corrupt (changed "
              + "after it was written); write it again or restore a copy (e.g. "
              + file.getFileName()
              + ".prev)");
    }
    if (!kind.equals(expectedKind)) {
      throw new FileFormatException(
          file, "is a " + kind + " file, expected a " + expectedKind + " file");
    }
    checkVersion(file, kind, version, maxVersion);
    if (!hasDigest && !comment.group(3).isEmpty()) {
      throw new FileFormatException(
          file,
          "has a malformed archive comment after \""
              + MAGIC
              + " "
              + kind
              + " v"
              + version
              + "\"; the file is corrupt");
    }
    Map<String, byte[]> raw = unzip(all, file);
    byte[] man = raw.remove(MANIFEST);
    if (man == null) {
      throw new FileFormatException(file, "not a SuperTickets-J file (no " + MANIFEST + ")");
    }
    String[] lines = new String(man, StandardCharsets.UTF_8).split("\n", -1);
    if (lines.length < 4 || !lines[0].equals(MAGIC) || !lines[lines.length - 1].isEmpty()) {
      throw new FileFormatException(file, "not a SuperTickets-J file (bad manifest)");
    }
    if (!field(lines[1], "kind", file).equals(kind)
        || !field(lines[2], "version", file).equals(String.valueOf(version))) {
      throw new FileFormatException(
          file,
          "manifest ("
              + lines[1]
              + ", "
              + lines[2]
              + ") disagrees with the "
              + "archive comment ("
              + kind
              + " v"
              + version
              + "); the file is corrupt");
    }
    Map<String, byte[]> checked = new LinkedHashMap<>();
    for (int i = 3; i < lines.length - 1; i++) {
      String[] parts = lines[i].split(" ", 3);
      if (parts.length != 3 || !parts[0].equals("sha256")) {
        throw new FileFormatException(file, "manifest line " + (i + 1) + " is malformed");
      }
      byte[] data = raw.remove(parts[2]);
      if (data == null) {
        throw new FileFormatException(
            file, "entry " + parts[2] + " listed in the manifest is missing");
      }
      if (!sha256(data).equals(parts[1])) {
        throw new FileFormatException(
            file, "entry " + parts[2] + " fails its SHA-256 checksum (corrupt file)");
      }
      checked.put(parts[2], data);
    }
    if (!raw.isEmpty()) {
      throw new FileFormatException(file, "entries not in the manifest: " + raw.keySet());
    }
    try {
      return new Archive(kind, version, checked);
    } catch (IllegalArgumentException e) {
      throw new FileFormatException(file, "holds an invalid entry: " + e.getMessage(), e);
    }
  }

  private static void checkVersion(Path file, String kind, int version, int maxVersion)
      throws FileFormatException {
    String readable = maxVersion == 1 ? "version 1" : "versions 1 to " + maxVersion;
    if (version > maxVersion) {
      throw new FileFormatException(
          file,
          "was written in "
              + kind
              + " format version "
              + version
              + ", newer than this library reads ("
              + readable
              + "); load it with a newer SuperTickets-J");
    }
    if (version < 1) {
      throw new FileFormatException(
          file,
          "declares "
              + kind
              + " format version "
              + version
              + ", which does not exist; the file is corrupt");
    }
  }

  /**
   * The ZIP comment that ends every archive, parsed; anything else at the end of the file (a
   * truncated archive, another ZIP, random bytes) is refused here, before any decompression.
   */
  private static Matcher trailer(byte[] all, Path file) throws FileFormatException {
    int lowest = Math.max(0, all.length - EOCD - MAX_COMMENT);
    for (int p = all.length - EOCD; p >= lowest; p--) {
      if (all[p] == 'P'
          && all[p + 1] == 'K'
          && all[p + 2] == 5
          && all[p + 3] == 6
          && ((all[p + 20] & 0xff) | (all[p + 21] & 0xff) << 8) == all.length - p - EOCD) {
        Matcher m =
            COMMENT.matcher(
                new String(all, p + EOCD, all.length - p - EOCD, StandardCharsets.ISO_8859_1));
        if (m.matches()) {
          return m;
        }
        break;
      }
    }
    boolean zip = all.length >= 4 && all[0] == 'P' && all[1] == 'K' && all[2] == 3 && all[3] == 4;
    throw new FileFormatException(
        file,
        zip
            ? "not a SuperTickets-J archive, or truncated: it does not end with the \""
                + MAGIC
                + "\" ZIP comment"
            : "not a SuperTickets-J archive ("
                + all.length
                + " bytes, not a ZIP file); it may be truncated or "
                + "another kind of file");
  }

  private static Map<String, byte[]> unzip(byte[] all, Path file) throws FileFormatException {
    Map<String, byte[]> raw = new LinkedHashMap<>();
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(all))) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        if (raw.containsKey(e.getName())) {
          throw new FileFormatException(file, "entry " + e.getName() + " appears twice");
        }
        raw.put(e.getName(), zip.readAllBytes());
      }
    } catch (FileFormatException ex) {
      throw ex;
    } catch (IOException | RuntimeException ex) {
      // only a file without the whole-file checksum (an early one) gets here damaged
      throw new FileFormatException(
          file,
          "not a readable archive (" + ex.getMessage() + "); it may be " + "truncated or corrupt",
          ex);
    }
    return raw;
  }

  private static String field(String line, String key, Path file) throws FileFormatException {
    if (!line.startsWith(key + " ")) {
      throw new FileFormatException(file, "manifest lacks its " + key + " line");
    }
    return line.substring(key.length() + 1);
  }

  private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setTime(0); // same content, same bytes: archives are reproducible
    zip.putNextEntry(e);
    zip.write(data);
    zip.closeEntry();
  }

  private static String sha256(byte[] data) {
    return Hashing.sha256().hashBytes(data).toString();
  }
}
