/**
 * The item store of the memcached-compatible daemon: {@link io.ringside.services.memcached.store.CacheStore}, one
 * instance shared by every worker loop. It depends on nothing but the JDK; the protocol handler (parsing, replies,
 * {@code noreply}, key validation) sits on top of it.
 *
 * <h2>Threads</h2>
 * <pre>
 *  worker 0 ─┐                        ┌─ stripe 0: StampedLock + bucket chains ┐
 *  worker 1 ─┼─ hash(key) top bits ──>├─ stripe 1 ...                          ├─> chunks in slab pages (off-heap)
 *  worker N ─┘   (no global lock)     └─ stripe S-1 (S = 2^k >= 8 x workers)   ┘        ^
 *                                                                                       | allocate / free, never
 *          slab class c: free lists x workers (monitors), CLOCK hand (atomic), pages ---+ under a stripe lock
 * </pre>
 * Every public method is thread-safe. A lookup holds its stripe's lock shared (a {@code ValueSink} runs under it);
 * a change holds it exclusively; no thread ever holds two stripe locks. Chunks are taken and returned with no
 * stripe lock held, so eviction (which locks the victim's stripe) cannot deadlock with a store. Per-connection
 * objects ({@code Reservation}, {@code DeltaValue}, {@code ItemView}, sinks and visitors) are confined to their connection.
 *
 * <h2>Memory layout</h2>
 * Item memory is slab pages (1 MiB direct buffers by default, up to the {@code -m} limit, allocated on first use),
 * each carved into equal chunks of one slab class (memcached 1.6's own chunk sizes for {@code -n 48 -f 1.25}: 96,
 * 120, 152, 192, ..., half a page, and below them 48, 64 and 80; a whole page above half a page). An item is 27
 * bytes smaller here than in memcached, so none takes a larger chunk than memcached would give it. An item is one
 * chunk: a 32-byte header (CAS 8, meta word 4 = state + key length + 8 flag bits, value length 4, client flags 4,
 * expiry 4, last access 4, next item of the index bucket 4), the key, the value. The index is a chained hash table
 * per stripe, as memcached's: 32-bit chunk references as buckets, in direct memory too (4 KiB blocks,
 * {@code IndexBlocks}, reused between stripes as they double), at most 1.5 items a bucket, each item linking to the
 * next of its bucket; a hit reads the bucket, then 1 + load / 2 chunks on average. The JVM heap holds a few thousand
 * objects plus one buffer object per 1,024 buckets, whatever the item count: the garbage collector has nothing to
 * trace or copy, the heap can stay small and fixed (the daemon runs in 32 MiB at any {@code -m}), and neither a
 * {@code get} hit nor a {@code set} allocates.
 *
 * <p>What an item costs: its chunk (header + key + value rounded up to the class size) plus 4 / load bytes of
 * buckets (2.7 to 5.3). Measured for 1,000,000 items with 10-20 byte keys and 100-byte values ({@code
 * StoreMemoryReport} in the tests; items of 142-152 bytes land in the 152-byte class):
 * <pre>
 *                                         per item
 *  this store, slab pages                  152.0 bytes  (145 pages of 1 MiB)
 *  this store, index buckets                 4.5 bytes  (64 stripes of 16,384 buckets, 0.95 items a bucket)
 *  this store, total                       156.5 bytes
 *  memcached 1.6.18, RSS of the process    206.9 bytes  (192-byte chunks, 184 pages, 2^20-bucket hash table)
 * </pre>
 * memcached's header is 48 bytes plus 8 of CAS, and it stores the value's "\r\n" and a NUL after the key; the
 * difference is what puts these items one slab class lower here.
 *
 * <h2>Eviction</h2>
 * Within a class, CLOCK (an LRU approximation): a read sets an item's reference bit, the hand clears it, an item
 * found without it (or expired, or flushed) is the victim. Between classes, pages move (see {@code PageMover}):
 * to a class with nothing left to evict, from a class holding two pages of free chunks, or from the class whose
 * items have been idle more than twice as long as the evicting class's victims. Expired items are reclaimed when
 * met (a lookup, a store of the same key, the hand); there is no background crawler.
 *
 * <h2>Differences from memcached worth knowing</h2>
 * <ul>
 *   <li>CAS uniques are {@code sequence << log2(stripes) | stripe}: unique and increasing per key, not one global
 *       sequence 1, 2, 3 (clients treat them as opaque).</li>
 *   <li>The size limit counts like memcached's ({@code key + value + 59 <= -I}), so clients see the same
 *       boundary; an item larger than half a page takes a whole page (memcached chains chunks instead).</li>
 *   <li>Page moves run on the thread whose store needed the memory, not on a background thread.</li>
 *   <li>The JVM must be allowed {@code -XX:MaxDirectMemorySize} of at least {@code -m} (the constructor
 *       refuses otherwise).</li>
 * </ul>
 *
 * <h2>memcached 1.6.18's replies, for the protocol handler</h2>
 * Byte-exact, from a real server ({@code memcached -m 1024}), request then reply:
 * <pre>
 *  set a 0 0 3\r\nabc\r\n  incr a 1\r\n       CLIENT_ERROR cannot increment or decrement non-numeric value\r\n
 *  incr w 18446744073709551616\r\n            CLIENT_ERROR invalid numeric delta argument\r\n   (also "abc", "-1")
 *  set n 0 0 2\r\n10\r\n   decr n 5\r\n       5\r\n        then get n: VALUE n 0 2\r\n5 \r\nEND\r\n   (padded)
 *  set n 0 0 3\r\n100\r\n  decr n 91\r\n      9\r\n        get: "9  "; then incr n 991: 1000\r\n, get: "1000" (length 4)
 *  set g 0 0 2\r\n99\r\n   incr g 1\r\n       100\r\n      get: VALUE g 0 3\r\n100\r\n
 *  set d 0 0 1\r\n3\r\n    decr d 10\r\n      0\r\n        (decr stops at 0)
 *  set w 0 0 20\r\n18446744073709551615\r\n  incr w 2\r\n   1\r\n   get: "1" and 19 spaces (wraps mod 2^64)
 *  stored "18446744073709551616", "-1", "12a", "0x10", "1e3", "" then incr: the non-numeric CLIENT_ERROR
 *  stored " 12", "12 ", "12 abc", "+5", "-0", "\t7" then incr 1: 13, 13, 13, 6, 1, 8 (strtoull rules, padded)
 *  incr / decr of a missing key               NOT_FOUND\r\n
 *  cas missing 0 0 1 12345\r\nx\r\n           NOT_FOUND\r\n          (a wrong unique: EXISTS\r\n)
 *  append missing 0 0 1\r\nx\r\n              NOT_STORED\r\n         (prepend too; an append past -I: NOT_STORED\r\n)
 *  touch missing 10\r\n                       NOT_FOUND\r\n
 *  touch t 10\r\n                             TOUCHED\r\n
 *  gat 100 t\r\n                              VALUE t 0 1\r\nx\r\nEND\r\n
 *  gats 100 t\r\n                             VALUE t 0 1 30\r\nx\r\nEND\r\n   (CAS last, as gets)
 *  gat 100 missing\r\n                        END\r\n;   gat 100 t missing t\r\n: two VALUE blocks, one END
 *  gats 100\r\n                               END\r\n;   gat t\r\n: CLIENT_ERROR invalid exptime argument\r\n
 *  set fa..; flush_all 2\r\n                  OK\r\n; get fa within 2 s: the value; set fb within 2 s: STORED;
 *                                             after 2 s: fa and fb both END; fc set after: stored and found
 *  flush_all noreply / flush_all 0 / flush_all -1     (nothing) / OK\r\n / OK\r\n;  flush_all abc: CLIENT_ERROR invalid exptime argument\r\n
 *  get &lt;251-byte key&gt;\r\n                   CLIENT_ERROR bad command line format\r\n   (250 bytes: END\r\n)
 *  get a &lt;251-byte key&gt; b\r\n               CLIENT_ERROR bad command line format\r\n   (no VALUE for a)
 *  set &lt;251-byte key&gt; 0 0 1\r\nx\r\n        CLIENT_ERROR bad command line format\r\nERROR\r\n  (data line read as a command)
 *  delete/incr/touch/gat with a 251-byte key  CLIENT_ERROR bad command line format\r\n
 *  set a\x01b 0 0 1\r\nx\r\n  get a\x01b\r\n   STORED, VALUE a\x01b 0 1\r\nx\r\nEND\r\n   (control bytes, DEL, tab are key bytes)
 *  get a\x00b\r\n                             the item "a" (the key ends at the NUL)
 *  get a\nb\r\n                               END\r\nERROR\r\n   (the line ends at \n)
 *  set big 0 0 1048577\r\n...                 SERVER_ERROR object too large for cache\r\n  (data swallowed)
 *  set k 0 0 1048516 (1-byte key): STORED; 1048517: too large   (key + value + 59 &lt;= 1 MiB)
 *  set neg 0 -1 1\r\nx\r\n  get neg\r\n       STORED\r\n END\r\n
 *  set f 4294967295 0 1 / get f               STORED, VALUE f 4294967295 1
 *  set f 4294967296 / 99999999999 0 1         STORED, then VALUE f 0 1 / VALUE f 1215752191 1   (flags taken mod 2^32)
 *  set f -1 0 1\r\nx\r\n                       CLIENT_ERROR bad command line format\r\nERROR\r\n
 *  cas c 0 0 1 0\r\ny\r\n (c exists)            EXISTS\r\n   (no item has CAS 0)
 *  set c..; incr c 1 noreply                  (nothing: noreply also silences the CLIENT_ERROR)
 *  delete t\r\n / again / delete t 0 / delete t 5     DELETED\r\n / NOT_FOUND\r\n / NOT_FOUND\r\n / CLIENT_ERROR bad command line format.  Usage: delete &lt;key&gt; [noreply]\r\n
 * </pre>
 */
package io.ringside.services.memcached.store;
