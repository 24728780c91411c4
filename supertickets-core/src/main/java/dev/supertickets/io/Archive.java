package dev.supertickets.io;

import static com.google.common.base.Preconditions.checkArgument;

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
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The container of every file SuperTickets-J writes (tickets, checkpoints): a ZIP archive, readable as a NumPy
 * {@code .npz} when its entries are {@code .npy} arrays, whose first entry {@value #MANIFEST} holds the magic line
 * {@value #MAGIC}, the file kind, the format version and the SHA-256 of every other entry. Reading checks all of
 * it and refuses anything else with a {@link FileFormatException}.
 */
public final class Archive {
  /** Name of the manifest entry. */
  public static final String MANIFEST = "MANIFEST.txt";
  /** First line of every manifest. */
  public static final String MAGIC = "SUPERTICKETS-J ARCHIVE";

  private final String kind;
  private final int version;
  private final ImmutableMap<String, byte[]> entries;

  /**
   * An archive of {@code kind} (lower-case letters and dashes) at format {@code version} (positive) holding {@code
   * entries}, name to bytes; the manifest is added on {@link #write}.
   */
  public Archive(String kind, int version, Map<String, byte[]> entries) {
    checkArgument(kind.matches("[a-z-]+"), "archive kind must be lower-case letters and dashes, got %s", kind);
    checkArgument(version > 0, "format version must be positive, got %s", version);
    checkArgument(!entries.containsKey(MANIFEST), "%s is reserved for the manifest", MANIFEST);
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

  /** Every entry but the manifest, name to bytes, in file order. */
  public ImmutableMap<String, byte[]> entries() {
    return entries;
  }

  /** The bytes of an entry, or a {@link FileFormatException} naming the missing entry. */
  public byte[] entry(String name, Path file) throws FileFormatException {
    byte[] b = entries.get(name);
    if (b == null) {
      throw new FileFormatException(file, "entry " + name + " is missing");
    }
    return b;
  }

  /** Writes the archive atomically (see {@link AtomicFiles}). */
  public void write(Path file) throws IOException {
    AtomicFiles.write(file, toBytes());
  }

  byte[] toBytes() throws IOException {
    StringBuilder manifest = new StringBuilder(MAGIC).append('\n')
        .append("kind ").append(kind).append('\n')
        .append("version ").append(version).append('\n');
    for (Map.Entry<String, byte[]> e : entries.entrySet()) {
      manifest.append("sha256 ").append(sha256(e.getValue())).append(' ').append(e.getKey()).append('\n');
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.setComment(MAGIC + " " + kind + " v" + version);
      put(zip, MANIFEST, manifest.toString().getBytes(StandardCharsets.UTF_8));
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        put(zip, e.getKey(), e.getValue());
      }
    }
    return bytes.toByteArray();
  }

  /**
   * Reads and verifies an archive of the given kind written by a format version up to {@code maxVersion}.
   */
  public static Archive read(Path file, String expectedKind, int maxVersion) throws IOException {
    byte[] all = Files.readAllBytes(file);
    Map<String, byte[]> raw = new LinkedHashMap<>();
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(all))) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        if (raw.containsKey(e.getName())) {
          throw new FileFormatException(file, "entry " + e.getName() + " appears twice");
        }
        raw.put(e.getName(), zip.readAllBytes());
      }
    } catch (ZipException | java.io.EOFException ex) {
      throw new FileFormatException(file, "not a readable archive (" + ex.getMessage() + "); it may be truncated "
          + "or corrupt", ex);
    } catch (IllegalArgumentException ex) {
      throw new FileFormatException(file, "archive has malformed entry names", ex);
    }
    byte[] man = raw.remove(MANIFEST);
    if (man == null) {
      throw new FileFormatException(file, "not a SuperTickets-J file (no " + MANIFEST + ")");
    }
    String[] lines = new String(man, StandardCharsets.UTF_8).split("\n");
    if (lines.length < 3 || !lines[0].equals(MAGIC)) {
      throw new FileFormatException(file, "not a SuperTickets-J file (bad magic line)");
    }
    String kind = field(lines[1], "kind", file);
    if (!kind.equals(expectedKind)) {
      throw new FileFormatException(file, "is a " + kind + " file, expected a " + expectedKind + " file");
    }
    int version;
    try {
      version = Integer.parseInt(field(lines[2], "version", file));
    } catch (NumberFormatException ex) {
      throw new FileFormatException(file, "has a malformed format version: " + lines[2]);
    }
    if (version > maxVersion || version < 1) {
      throw new FileFormatException(file, "was written in " + kind + " format version " + version
          + "; this library reads versions 1 to " + maxVersion + " (upgrade SuperTickets-J to read it)");
    }
    Map<String, byte[]> checked = new LinkedHashMap<>();
    for (int i = 3; i < lines.length; i++) {
      String[] parts = lines[i].split(" ", 3);
      if (parts.length != 3 || !parts[0].equals("sha256")) {
        throw new FileFormatException(file, "manifest line " + (i + 1) + " is malformed");
      }
      byte[] data = raw.remove(parts[2]);
      if (data == null) {
        throw new FileFormatException(file, "entry " + parts[2] + " listed in the manifest is missing");
      }
      if (!sha256(data).equals(parts[1])) {
        throw new FileFormatException(file, "entry " + parts[2] + " fails its SHA-256 checksum (corrupt file)");
      }
      checked.put(parts[2], data);
    }
    if (!raw.isEmpty()) {
      throw new FileFormatException(file, "entries not in the manifest: " + raw.keySet());
    }
    return new Archive(kind, version, checked);
  }

  private static String field(String line, String key, Path file) throws FileFormatException {
    if (!line.startsWith(key + " ")) {
      throw new FileFormatException(file, "manifest lacks its " + key + " line");
    }
    return line.substring(key.length() + 1).trim();
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
