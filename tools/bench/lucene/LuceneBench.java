/*
 * LuceneBench - the Apache Lucene 8 reference for tools/bench: indexes the
 * files our indexer reads and times the same query sets (in Lucene's classic
 * QueryParser syntax), printing one JSON line a run in the form of
 * fts5_driver's, so tools/bench/run reads both the same way.
 *
 *   LuceneBench index DIR CORPUS [--ram-mb N]
 *   LuceneBench query DIR QUERYFILE [--k N] [--count] [--repeat R] [--warmup W]
 *
 * index  replaces DIR with a new index of every file under CORPUS chosen as
 *        the indexer chooses them (walked recursively in byte order of names,
 *        hidden entries skipped; names ending in .txt .text .md .markdown .rst;
 *        empty files skipped).  One document a file: "path" stored (the path
 *        under CORPUS as given on the command line, joined with '/'), "body"
 *        the whole file, analysed, not stored.  One indexing thread: the
 *        documents are added from the main thread and merges run on it too
 *        (SerialMergeScheduler).  RAM buffer --ram-mb (default 256, like the
 *        indexer's --memory).
 * query  runs every non-empty line of QUERYFILE, W unmeasured passes
 *        (default 0) then R measured passes (default 3).  One run of a query
 *        is: parse, search the top k by BM25 (default k = 10), then fetch the
 *        stored path of every hit (as our searcher prints it); with --count,
 *        IndexSearcher.count instead.  A query the parser rejects is counted
 *        in "errors" (reported once on stderr) and left out of the timings.
 *
 * Analysis (index and queries alike): StandardTokenizer, English possessive
 * removal, lower case, ASCII folding (diacritics stripped), Porter stemming;
 * no stop words, as in our engine.  Similarity: BM25 k1 = 1.2, b = 0.75.
 *
 * Invariants: output JSON field names and meanings are those of fts5_driver
 * (p50_us, p95_us, p99_us, mean_us, qps, hits, errors; percentile p is the
 * sorted value at rank round(p*(n-1))).  Exit status 0 done, 2 bad usage or
 * an I/O error.
 */
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.FSDirectory;

public final class LuceneBench {
    private static final String[] EXTENSIONS = {".txt", ".text", ".md", ".markdown", ".rst"};
    private static final BM25Similarity BM25 = new BM25Similarity(1.2f, 0.75f);

    /** The analysis chain shared by indexing and query parsing. */
    static final class EnglishNoStopAnalyzer extends Analyzer {
        @Override
        protected TokenStreamComponents createComponents(String field) {
            StandardTokenizer source = new StandardTokenizer();
            TokenStream s = new EnglishPossessiveFilter(source);
            s = new LowerCaseFilter(s);
            s = new ASCIIFoldingFilter(s);
            s = new PorterStemFilter(s);
            return new TokenStreamComponents(source, s);
        }
    }

    static final class UsageError extends Exception {
        private static final long serialVersionUID = 1L;

        UsageError(String msg) {
            super(msg);
        }
    }

    public static void main(String[] args) {
        try {
            if (args.length >= 3 && args[0].equals("index"))
                index(args);
            else if (args.length >= 3 && args[0].equals("query"))
                query(args);
            else
                throw new UsageError("usage: LuceneBench index DIR CORPUS [--ram-mb N] | "
                        + "query DIR QUERYFILE [--k N] [--count] [--repeat R] [--warmup W]");
        } catch (UsageError e) {
            System.err.println("LuceneBench: " + e.getMessage());
            System.exit(2);
        } catch (IOException e) {
            System.err.println("LuceneBench: " + e);
            System.exit(2);
        }
    }

    private static int intOption(String[] args, int i, String name) throws UsageError {
        if (i + 1 >= args.length)
            throw new UsageError(name + " needs a number");
        try {
            int v = Integer.parseInt(args[i + 1]);
            if (v < 0)
                throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new UsageError(name + ": not a number: " + args[i + 1]);
        }
    }

    // ---- index ----------------------------------------------------------------

    private static boolean wanted(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String ext : EXTENSIONS)
            if (lower.endsWith(ext))
                return true;
        return false;
    }

    /** Regular files under dir, recursively, names in byte (UTF-16 ~ code point) order. */
    private static void collect(Path dir, String shown, List<String[]> out) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds)
                entries.add(p);
        }
        entries.sort(Comparator.comparing(p -> p.getFileName().toString()));
        for (Path p : entries) {
            String name = p.getFileName().toString();
            if (name.startsWith("."))
                continue;
            String rel = shown + "/" + name;
            if (Files.isDirectory(p))
                collect(p, rel, out);
            else if (Files.isRegularFile(p) && wanted(name))
                out.add(new String[] {p.toString(), rel});
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root))
            return;
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toArray(Path[]::new))
                Files.delete(p);
        }
    }

    private static void index(String[] args) throws UsageError, IOException {
        Path dir = Paths.get(args[1]);
        String corpus = args[2].replaceAll("/+$", "");
        int ramMb = 256;
        for (int i = 3; i < args.length; i++) {
            if (args[i].equals("--ram-mb"))
                ramMb = intOption(args, i++, "--ram-mb");
            else
                throw new UsageError("unknown option " + args[i]);
        }
        if (!Files.isDirectory(Paths.get(corpus)))
            throw new UsageError(corpus + ": not a folder");
        long start = System.nanoTime();
        List<String[]> files = new ArrayList<>();
        collect(Paths.get(corpus), corpus, files);
        deleteTree(dir);
        IndexWriterConfig cfg = new IndexWriterConfig(new EnglishNoStopAnalyzer());
        cfg.setSimilarity(BM25);
        cfg.setRAMBufferSizeMB(ramMb);
        cfg.setMergeScheduler(new SerialMergeScheduler());
        cfg.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
        long bytes = 0, indexed = 0, skipped = 0;
        try (FSDirectory fs = FSDirectory.open(dir); IndexWriter w = new IndexWriter(fs, cfg)) {
            Field path = new StoredField("path", "");
            Field body = new TextField("body", "", Field.Store.NO);
            Document doc = new Document();
            doc.add(path);
            doc.add(body);
            for (String[] f : files) {
                byte[] data;
                try {
                    data = Files.readAllBytes(Paths.get(f[0]));
                } catch (IOException e) {
                    System.err.println("LuceneBench: " + f[0] + ": " + e.getMessage());
                    skipped++;
                    continue;
                }
                if (data.length == 0) {
                    skipped++;
                    continue;
                }
                path.setStringValue(f[1]);
                body.setStringValue(new String(data, StandardCharsets.UTF_8));
                w.addDocument(doc);
                bytes += data.length;
                indexed++;
            }
            w.commit();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT,
                "{\"engine\":\"lucene\",\"files\":%d,\"bytes\":%d,\"skipped\":%d,\"seconds\":%.3f,"
                        + "\"mb_per_s\":%.2f,\"ram_buffer_mb\":%d,\"index_bytes\":%d}%n",
                indexed, bytes, skipped, seconds, bytes / 1e6 / seconds, ramMb, treeBytes(dir));
    }

    private static long treeBytes(Path root) throws IOException {
        long total = 0;
        try (var walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toArray(Path[]::new))
                total += Files.size(p);
        }
        return total;
    }

    // ---- query ----------------------------------------------------------------

    private static final class Tally {
        double[] lat = new double[1024];
        int runs;
        long hits, errors;

        void record(double us) {
            if (runs == lat.length)
                lat = Arrays.copyOf(lat, runs * 2);
            lat[runs++] = us;
        }

        double percentile(double p) {
            return runs == 0 ? 0 : lat[(int) (p * (runs - 1) + 0.5)];
        }

        double mean() {
            double sum = 0;
            for (int i = 0; i < runs; i++)
                sum += lat[i];
            return runs == 0 ? 0 : sum / runs;
        }
    }

    /** One run of one query: its hit total, or -1 when it was rejected. */
    private static long runOnce(IndexSearcher searcher, QueryParser parser, String line, int k,
                                boolean count) throws IOException {
        Query q;
        try {
            q = parser.parse(line);
        } catch (ParseException e) {
            return -1;
        }
        if (count)
            return searcher.count(q);
        TopDocs top = searcher.search(q, k);
        for (ScoreDoc sd : top.scoreDocs) {
            String path = searcher.doc(sd.doc).get("path");
            if (path == null)
                throw new IOException("document " + sd.doc + " has no stored path");
        }
        return top.totalHits.value;
    }

    private static void query(String[] args) throws UsageError, IOException {
        Path dir = Paths.get(args[1]);
        Path qfile = Paths.get(args[2]);
        int k = 10, repeat = 3, warmup = 0;
        boolean count = false;
        for (int i = 3; i < args.length; i++) {
            switch (args[i]) {
                case "--k": k = intOption(args, i++, "--k"); break;
                case "--repeat": repeat = intOption(args, i++, "--repeat"); break;
                case "--warmup": warmup = intOption(args, i++, "--warmup"); break;
                case "--count": count = true; break;
                default: throw new UsageError("unknown option " + args[i]);
            }
        }
        if (repeat < 1 || (!count && k < 1))
            throw new UsageError("--repeat and --k must be at least 1");
        List<String> lines = new ArrayList<>();
        for (String l : Files.readAllLines(qfile, StandardCharsets.UTF_8))
            if (!l.isBlank())
                lines.add(l);
        try (DirectoryReader reader = DirectoryReader.open(FSDirectory.open(dir))) {
            IndexSearcher searcher = new IndexSearcher(reader);
            searcher.setSimilarity(BM25);
            QueryParser parser = new QueryParser("body", new EnglishNoStopAnalyzer());
            parser.setDefaultOperator(QueryParser.Operator.OR);
            boolean[] rejected = new boolean[lines.size()];
            Tally t = new Tally();
            double measured = 0;
            for (int pass = 0; pass < warmup + repeat; pass++) {
                boolean timed = pass >= warmup, last = pass == warmup + repeat - 1;
                long passStart = System.nanoTime();
                for (int i = 0; i < lines.size(); i++) {
                    long s = System.nanoTime();
                    long total = runOnce(searcher, parser, lines.get(i), k, count);
                    double us = (System.nanoTime() - s) / 1e3;
                    if (total < 0) {
                        if (!rejected[i])
                            System.err.printf("query %d rejected: %s%n", i + 1, lines.get(i));
                        rejected[i] = true;
                        continue;
                    }
                    if (timed)
                        t.record(us);
                    if (last)
                        t.hits += count ? total : Math.min(total, k);
                }
                if (timed)
                    measured += (System.nanoTime() - passStart) / 1e9;
            }
            for (boolean r : rejected)
                t.errors += r ? 1 : 0;
            double mean = t.mean();
            Arrays.sort(t.lat, 0, t.runs);
            System.out.printf(Locale.ROOT,
                    "{\"engine\":\"lucene\",\"queries\":%d,\"repeats\":%d,\"warmup\":%d,\"k\":%d,"
                            + "\"count_only\":%b,\"p50_us\":%.1f,\"p95_us\":%.1f,\"p99_us\":%.1f,"
                            + "\"mean_us\":%.1f,\"qps\":%.1f,\"hits\":%d,\"errors\":%d}%n",
                    lines.size(), repeat, warmup, count ? 0 : k, count, t.percentile(0.5),
                    t.percentile(0.95), t.percentile(0.99), mean,
                    measured > 0 ? t.runs / measured : 0, t.hits, t.errors);
        }
    }
}
