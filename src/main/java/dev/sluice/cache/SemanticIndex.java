package dev.sluice.cache;

import dev.sluice.api.ChatResponse;
import dev.sluice.api.Json;
import dev.sluice.embed.Embedder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.BytesRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persistent tier: every cached answer as one Lucene document in a directory next to the store,
 * so answers survive restarts. Documents of questions that can be matched semantically also carry
 * the question's embedding in an HNSW graph ({@link KnnFloatVectorField}, dot product on unit
 * vectors = cosine). A semantic lookup is a k-nearest-neighbour search pre-filtered to one
 * partition (tenant scope, model, system prompt, earlier turns, parameters) and to unexpired
 * entries, so answers never cross tenants or contexts.
 *
 * <p>Writes are cheap and immediately visible: a new document goes to Lucene's writer and to a small
 * in-memory list that lookups also scan, until the background thread's next reader refresh (every
 * 100 ms while there is something new) makes it searchable. The same thread commits every few
 * seconds and at close, purges expired entries and evicts the oldest beyond {@code maxEntries}.
 */
final class SemanticIndex implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SemanticIndex.class);
    private static final String EXACT = "exact";
    private static final String PARTITION = "partition";
    private static final String KEY = "key";
    private static final String TEAM = "team";
    private static final String MODEL = "model";
    private static final String USER = "user";
    private static final String EXPIRES = "expires";
    private static final String CREATED = "created";
    private static final String QUESTION = "question";
    private static final String RESPONSE = "response";
    private static final String VECTOR = "vector";
    private static final long REFRESH_MILLIS = 100;
    private static final long MAINTENANCE_MILLIS = 5_000;

    /** A semantic match candidate; the answer is parsed only for the one that is used. */
    record Candidate(double similarity, String question, String exactKey, String keyId, String team, String model,
                     String endUser, long createdMillis, long expiresMillis, byte[] responseJson) {
        CachedAnswer answer() {
            try {
                ChatResponse response = CachedAnswer.responseFrom(Json.parseUpstream(responseJson));
                return new CachedAnswer(exactKey, response, keyId, team, model, endUser, question, createdMillis,
                        expiresMillis);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private record Pending(long seq, String partition, float[] vector, CachedAnswer answer, byte[] responseJson) {}

    private final Path path;
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final Clock clock;
    private final int maxEntries;
    private final CacheStats stats;
    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final AtomicLong seq = new AtomicLong();
    private final Object wake = new Object();
    private final Thread maintenance;
    private volatile boolean dirty;
    private volatile boolean closing;

    SemanticIndex(Path path, int maxEntries, Clock clock, CacheStats stats) {
        this.path = path;
        this.clock = clock;
        this.maxEntries = maxEntries;
        this.stats = stats;
        try {
            Files.createDirectories(path);
            Directory dir = FSDirectory.open(path);
            IndexWriter w;
            try {
                w = new IndexWriter(dir, config());
            } catch (CorruptIndexException | IndexFormatTooOldException | IndexFormatTooNewException e) {
                // a cache can always be rebuilt: keep the broken files aside for a post-mortem, start empty
                dir.close();
                Path aside = path.resolveSibling(path.getFileName() + ".broken-" + System.currentTimeMillis());
                LOG.warn("the cache index at {} cannot be read ({}); moved it to {} and starting empty", path,
                        e.getMessage(), aside);
                Files.move(path, aside);
                Files.createDirectories(path);
                dir = FSDirectory.open(path);
                w = new IndexWriter(dir, config());
            }
            this.directory = dir;
            this.writer = w;
            this.searchers = new SearcherManager(writer, null);
        } catch (LockObtainFailedException e) {
            throw new IllegalStateException("Another Sluice process is using the cache index at " + path
                    + ". Give each gateway its own store.path or cache.semantic.path.", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the cache index at " + path + ": " + e.getMessage(), e);
        }
        this.maintenance = Thread.ofPlatform().name("sluice-cache-index").daemon(true).start(this::run);
    }

    private static IndexWriterConfig config() {
        IndexWriterConfig config = new IndexWriterConfig();
        config.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
        config.setCommitOnClose(true);
        return config;
    }

    Path path() {
        return path;
    }

    /**
     * Stores (or replaces) an answer.
     *
     * @param partition where semantic lookups may find it; with {@code vector}, null for exact-only entries
     */
    void add(CachedAnswer a, String partition, float[] vector) {
        byte[] responseJson = CachedAnswer.responseJson(a.response());
        Document doc = new Document();
        doc.add(new StringField(EXACT, a.exactKey(), Field.Store.YES));
        if (a.keyId() != null) {
            doc.add(new StringField(KEY, a.keyId(), Field.Store.YES));
        }
        if (a.team() != null) {
            doc.add(new StringField(TEAM, a.team(), Field.Store.YES));
        }
        doc.add(new StringField(MODEL, a.model(), Field.Store.YES));
        if (a.endUser() != null) {
            doc.add(new StringField(USER, a.endUser(), Field.Store.YES));
        }
        doc.add(new LongPoint(EXPIRES, a.expiresMillis()));
        doc.add(new StoredField(EXPIRES, a.expiresMillis()));
        doc.add(new LongPoint(CREATED, a.createdMillis()));
        doc.add(new NumericDocValuesField(CREATED, a.createdMillis()));
        doc.add(new StoredField(CREATED, a.createdMillis()));
        doc.add(new StoredField(RESPONSE, responseJson));
        if (a.question() != null) {
            doc.add(new StoredField(QUESTION, a.question()));
        }
        if (vector != null && partition != null) {
            doc.add(new StringField(PARTITION, partition, Field.Store.NO));
            doc.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.DOT_PRODUCT));
        }
        try {
            writer.updateDocument(new Term(EXACT, a.exactKey()), doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pending.add(new Pending(seq.incrementAndGet(), partition, vector, a, responseJson));
        dirty = true;
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    /** The unexpired answer stored under an exact key, or null. */
    Candidate exact(String exactKey) {
        long now = clock.millis();
        Candidate newest = null;
        for (Pending p : pending) {
            if (p.answer().exactKey().equals(exactKey) && !p.answer().expiredAt(now)) {
                newest = candidate(p, 1.0);
            }
        }
        if (newest != null) {
            return newest;
        }
        Query q = new BooleanQuery.Builder()
                .add(new TermQuery(new Term(EXACT, exactKey)), BooleanClause.Occur.FILTER)
                .add(LongPoint.newRangeQuery(EXPIRES, now + 1, Long.MAX_VALUE), BooleanClause.Occur.FILTER)
                .build();
        List<Candidate> found = search(q, 1, false);
        return found.isEmpty() ? null : found.getFirst();
    }

    /** Up to {@code k} unexpired answers of one partition, most similar first. */
    List<Candidate> nearest(String partition, float[] vector, int k) {
        long now = clock.millis();
        // Filter on the partition only: an expiry range in the filter would cost a points lookup over
        // every entry per query. Expired entries are dropped below and purged every few seconds.
        Query filter = new TermQuery(new Term(PARTITION, partition));
        // The pending entries first, the searcher after: an entry leaves the list only once a refresh
        // made it searchable, so read in this order it is in one or the other. (Searching first lost
        // an entry the background refresh moved from the list in between: CacheTest saw a miss.)
        List<Pending> recent = new ArrayList<>();
        for (Pending p : pending) {
            if (p.vector() != null && partition.equals(p.partition()) && !p.answer().expiredAt(now)) {
                recent.add(p);
            }
        }
        List<Candidate> out = new ArrayList<>(search(new KnnFloatVectorQuery(VECTOR, vector, k, filter), k, true));
        out.removeIf(c -> c.expiresMillis() <= now);
        for (Pending p : recent) {
            out.removeIf(c -> c.exactKey().equals(p.answer().exactKey()));
            out.add(candidate(p, Embedder.cosine(vector, p.vector())));
        }
        out.sort(Comparator.comparingDouble(Candidate::similarity).reversed());
        return out.size() > k ? out.subList(0, k) : out;
    }

    private List<Candidate> search(Query query, int k, boolean scoreIsSimilarity) {
        IndexSearcher searcher;
        try {
            searcher = searchers.acquire();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            TopDocs top = searcher.search(query, k);
            StoredFields fields = searcher.storedFields();
            List<Candidate> out = new ArrayList<>(top.scoreDocs.length);
            for (ScoreDoc sd : top.scoreDocs) {
                Document d = fields.document(sd.doc);
                // Lucene scores dot-product matches as (1 + dot) / 2; turn it back into the cosine
                double similarity = scoreIsSimilarity ? 2.0 * sd.score - 1.0 : 1.0;
                BytesRef response = d.getBinaryValue(RESPONSE);
                out.add(new Candidate(similarity, d.get(QUESTION), d.get(EXACT), d.get(KEY), d.get(TEAM), d.get(MODEL), d.get(USER),
                        d.getField(CREATED).numericValue().longValue(), d.getField(EXPIRES).numericValue().longValue(),
                        java.util.Arrays.copyOfRange(response.bytes, response.offset, response.offset + response.length)));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                searchers.release(searcher);
            } catch (IOException e) {
                LOG.debug("releasing a cache searcher failed", e);
            }
        }
    }

    private static Candidate candidate(Pending p, double similarity) {
        CachedAnswer a = p.answer();
        return new Candidate(similarity, a.question(), a.exactKey(), a.keyId(), a.team(), a.model(), a.endUser(), a.createdMillis(),
                a.expiresMillis(), p.responseJson());
    }

    void remove(String exactKey) {
        pending.removeIf(p -> p.answer().exactKey().equals(exactKey));
        try {
            writer.deleteDocuments(new Term(EXACT, exactKey));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        dirty = true;
    }

    /** Deletes matching entries and makes that visible at once; returns how many were deleted. */
    synchronized long invalidate(Invalidation filter) {
        pending.removeIf(p -> p.answer().matches(filter));
        BooleanQuery.Builder b = new BooleanQuery.Builder().add(new MatchAllDocsQuery(), BooleanClause.Occur.FILTER);
        if (filter.keyId() != null) {
            b.add(new TermQuery(new Term(KEY, filter.keyId())), BooleanClause.Occur.FILTER);
        }
        if (filter.team() != null) {
            b.add(new TermQuery(new Term(TEAM, filter.team())), BooleanClause.Occur.FILTER);
        }
        if (filter.model() != null) {
            b.add(new TermQuery(new Term(MODEL, filter.model())), BooleanClause.Occur.FILTER);
        }
        if (filter.endUser() != null) {
            b.add(new TermQuery(new Term(USER, filter.endUser())), BooleanClause.Occur.FILTER);
        }
        Query q = b.build();
        try {
            searchers.maybeRefreshBlocking();
            long count = count(q);
            writer.deleteDocuments(q);
            writer.commit();
            searchers.maybeRefreshBlocking();
            return count;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long count(Query q) throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            return s.count(q);
        } finally {
            searchers.release(s);
        }
    }

    /** Documents in the index (including expired ones not yet purged). */
    long size() {
        try {
            searchers.maybeRefreshBlocking();
            IndexSearcher s = searchers.acquire();
            try {
                return s.getIndexReader().numDocs();
            } finally {
                searchers.release(s);
            }
        } catch (IOException e) {
            return -1;
        }
    }

    /** Makes every added entry searchable now (the background thread does this within 100 ms). */
    void refresh() {
        long upTo = seq.get();
        try {
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pending.removeIf(p -> p.seq() <= upTo);
    }

    /** Purges expired entries, evicts the oldest beyond the size bound, and commits. */
    synchronized void maintain() {
        try {
            refresh();
            writer.deleteDocuments(LongPoint.newRangeQuery(EXPIRES, Long.MIN_VALUE, clock.millis()));
            searchers.maybeRefreshBlocking();
            IndexSearcher s = searchers.acquire();
            try {
                int live = s.getIndexReader().numDocs();
                if (live > maxEntries) {
                    // evict down to 90% of the bound, so eviction runs now and then rather than on every add
                    int excess = live - (int) (maxEntries * 0.9);
                    TopDocs oldest = s.search(new MatchAllDocsQuery(), excess,
                            new Sort(new SortField(CREATED, SortField.Type.LONG)));
                    long cutoff = (Long) ((FieldDoc) oldest.scoreDocs[oldest.scoreDocs.length - 1]).fields[0];
                    Query old = LongPoint.newRangeQuery(CREATED, Long.MIN_VALUE, cutoff);
                    long n = s.count(old);
                    writer.deleteDocuments(old);
                    stats.evictions.add(n);
                }
            } finally {
                searchers.release(s);
            }
            searchers.maybeRefreshBlocking();
            if (writer.hasUncommittedChanges()) {
                writer.commit();
            }
            dirty = false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for background segment merges to finish (benchmarks measure the settled index). */
    void awaitMerges() {
        try {
            writer.maybeMerge();
            if (writer.getConfig().getMergeScheduler() instanceof org.apache.lucene.index.ConcurrentMergeScheduler cms) {
                cms.sync();
            }
            refresh();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int segments() {
        try {
            IndexSearcher s = searchers.acquire();
            try {
                return s.getIndexReader().leaves().size();
            } finally {
                searchers.release(s);
            }
        } catch (IOException e) {
            return -1;
        }
    }

    private void run() {
        long lastMaintenance = System.currentTimeMillis();
        while (!closing) {
            try {
                synchronized (wake) {
                    wake.wait(REFRESH_MILLIS);
                }
                if (closing) {
                    break;
                }
                if (!pending.isEmpty()) {
                    Thread.sleep(REFRESH_MILLIS); // let a few adds gather into one refresh
                    refresh();
                }
                if (System.currentTimeMillis() - lastMaintenance > MAINTENANCE_MILLIS) {
                    lastMaintenance = System.currentTimeMillis();
                    if (dirty || writer.hasUncommittedChanges() || writer.getDocStats().numDocs > maxEntries) {
                        maintain();
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("cache index maintenance failed, retrying: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        closing = true;
        synchronized (wake) {
            wake.notifyAll();
        }
        try {
            maintenance.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            searchers.close();
            writer.close(); // commits
            directory.close();
        } catch (IOException e) {
            LOG.warn("closing the cache index at {} failed: {}", path, e.getMessage());
        }
    }
}
