/**
 * The file formats SuperTickets-J reads and writes, with no Java serialization anywhere: the
 * checksummed {@link dev.supertickets.io.Archive} (a ZIP, readable by NumPy as an {@code .npz},
 * whose manifest holds a magic line, the file kind, the format version and the SHA-256 of every
 * entry) behind the ticket file, NumPy's {@code .npy} arrays ({@link dev.supertickets.io.Npy}), a
 * strict JSON codec ({@link dev.supertickets.io.Json}), and atomic writes that never leave a
 * half-written file under the final name ({@link dev.supertickets.io.AtomicFiles}). Every reader
 * refuses a truncated, corrupt, foreign or newer file with a {@link
 * dev.supertickets.io.FileFormatException} that names the file and the fault.
 */
package dev.supertickets.io;
