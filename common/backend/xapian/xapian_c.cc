// xapian_c.cc - the C API of xapian_c.h over libxapian.
//
// Every extern "C" function runs its body inside guarded(), which turns any
// C++ exception into a status code and a one-line message
// "<path>: <operation>: <Xapian error type>: <message>", so nothing thrown by
// libxapian or the standard library crosses into C.  Xapian errors map to our
// codes by their class (lock -> ELOCKED, missing database -> ENOTFOUND,
// corruption -> ECORRUPT, version -> EVERSION, bad argument -> EINVAL,
// network errors and timeouts -> EIO...); an error met on a remote shard
// names it ("on shard HOST:PORT").
//
// A read-only handle may hold several databases (shards: Xapian's
// add_database), local or remote; it keeps their names in order so that a
// document id tells its shard.
//
// A handle keeps one Xapian::Database for reading; when it was opened
// writable that object is the Xapian::WritableDatabase itself, so a writer
// reads its own uncommitted changes.  A read-only handle that meets
// DatabaseModifiedError (a writer committed twice under it) reopens the
// database and retries the operation once.
//
// A query handle holds one Xapian::Query; combining copies Query objects,
// which share their trees.  Searching runs a query with BM25Weight, ranks by
// relevance with ties in ascending docid order, and asks Xapian to examine
// every document (check_at_least = doc count) so the match count it reports
// is exact.

// The project's C headers have no extern "C" guards of their own: declare
// them with C linkage before xapian_c.h includes them (include guards make
// its own inclusions no-ops).
extern "C" {
#include "backend/xapian/xapian_terms.h"
#include "util/buf.h"
#include "util/deadline.h"
#include "util/error.h"
}
#include "backend/xapian/xapian_c.h"

#include <xapian.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <new>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

struct shelf_xdb {
    std::unique_ptr<Xapian::Database> db; // reading; the writer itself if writable
    Xapian::WritableDatabase *wdb = nullptr;
    std::string path;
    bool in_txn = false;
    std::vector<std::string> shards; // one name per database added, in order
    bool remote = false;             // some shard is reached through the network
    std::string lost;                // why a remote shard was lost, once one was
    uint64_t reopens = 0;            // times reopened after DatabaseModifiedError
};

struct shelf_xdoc {
    Xapian::Document doc;
};

struct shelf_xq {
    Xapian::Query query;
};

namespace {

// A malformed argument found on our side (a NULL operand...): EINVAL.
struct bad_argument : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

// The search's deadline passed (thrown by deadline_decider): SHELF_ETIMEOUT.
struct out_of_time {};

// Accepts every document; every SHELF_TICKS_PER_CHECK documents Xapian
// considers, reads the clock and, past the deadline, stops the match by
// throwing out_of_time (which get_mset passes on to us).
class deadline_decider : public Xapian::MatchDecider {
  public:
    explicit deadline_decider(uint64_t deadline_ns) { shelf_ticker_init(&clock_, deadline_ns); }
    bool operator()(const Xapian::Document &) const override
    {
        if (shelf_ticker_tick(&clock_, 1))
            throw out_of_time();
        return true;
    }

  private:
    mutable shelf_ticker clock_;
};

const char *const DOC_CONTEXT = "xapian document";
const char *const QUERY_CONTEXT = "xapian query";

// Our status code for the Xapian exception being handled (Xapian::Error is
// not polymorphic, so its class is found by rethrowing), most specific first.
int code_of_current_error()
{
    try {
        throw;
    } catch (const Xapian::DatabaseLockError &) {
        return SHELF_ELOCKED;
    } catch (const Xapian::DatabaseVersionError &) {
        return SHELF_EVERSION;
    } catch (const Xapian::DatabaseNotFoundError &) {
        return SHELF_ENOTFOUND;
    } catch (const Xapian::DatabaseCorruptError &) {
        return SHELF_ECORRUPT;
    } catch (const Xapian::DocNotFoundError &) {
        return SHELF_ENOTFOUND;
    } catch (const Xapian::InvalidArgumentError &) {
        return SHELF_EINVAL;
    } catch (const Xapian::InvalidOperationError &) {
        return SHELF_EINVAL;
    } catch (...) {
        return SHELF_EIO;
    }
}

// Which file of the glass database in folder path is damaged, for messages
// (Xapian's own errors name a block, not a file): the first table failing
// its own check, else the version file (every table reads its root from
// it, and the database's statistics live there); "" when path holds no
// tables.  Only called once the database as a whole failed.
std::string damaged_file(const std::string &path)
{
    static const char *const tables[] = {"postlist", "docdata", "termlist",
                                         "position", "spelling", "synonym"};
    size_t present = 0, failed = 0;
    std::string first;
    for (const char *table : tables) {
        std::string file = path + "/" + table + ".glass";
        if (access(file.c_str(), F_OK) != 0)
            continue;
        present++;
        bool bad;
        try {
            bad = Xapian::Database::check(file, 0, nullptr) != 0;
        } catch (const Xapian::Error &) {
            bad = true;
        }
        if (bad && failed++ == 0)
            first = file;
    }
    if (present == 0)
        return "";
    return failed == 0 || (present > 1 && failed == present) ? path + "/iamglass" : first;
}

// " (in <file>)" when e reports damage to the database at where (not a
// failed system call: those carry their errno's text).  Never throws: it
// runs inside guarded()'s handler.
std::string damage_note(const Xapian::Error &e, const char *where) noexcept
{
    const char *type = e.get_type();
    if ((std::strcmp(type, "DatabaseError") != 0 && std::strcmp(type, "DatabaseCorruptError") != 0) ||
        e.get_error_string())
        return "";
    try {
        std::string file = damaged_file(where);
        return file.empty() ? "" : " (in " + file + ")";
    } catch (...) {
        return "";
    }
}

// " on shard HOST:PORT" when e happened talking to a remote shard (Xapian's
// context for those is "remote:tcp(HOST:PORT)") other than where, else "".
// Never throws.
std::string shard_note(const Xapian::Error &e, const char *where) noexcept
{
    try {
        const std::string &context = e.get_context();
        const std::string tcp = "remote:tcp(";
        if (context.compare(0, tcp.size(), tcp) != 0 || context.back() != ')')
            return "";
        std::string shard = context.substr(tcp.size(), context.size() - tcp.size() - 1);
        return shard == where ? "" : " on shard " + shard;
    } catch (...) {
        return "";
    }
}

// Run body() (returning a status); any exception becomes an error naming
// where (usually the database path) and what was being done.
template <class F>
int guarded(shelf_err *err, const char *where, const char *what, F &&body)
{
    try {
        return body();
    } catch (const Xapian::Error &e) {
        const char *sys = e.get_error_string();
        int code = code_of_current_error();
        std::string shard = shard_note(e, where);
        return shelf_errf(err, code, "%s: %s%s: %s: %s%s%s%s%s", where, what, shard.c_str(),
                          e.get_type(), e.get_msg().c_str(), sys ? " (" : "", sys ? sys : "",
                          sys ? ")" : "", damage_note(e, where).c_str());
    } catch (const std::bad_alloc &) {
        return shelf_errf(err, SHELF_ENOMEM, "%s: %s: out of memory", where, what);
    } catch (const out_of_time &) {
        return shelf_timeout_err(err, "searching");
    } catch (const bad_argument &e) {
        return shelf_errf(err, SHELF_EINVAL, "%s: %s: %s", where, what, e.what());
    } catch (const std::exception &e) {
        return shelf_errf(err, SHELF_EIO, "%s: %s: %s", where, what, e.what());
    } catch (...) {
        return shelf_errf(err, SHELF_EIO, "%s: %s: unknown C++ exception", where, what);
    }
}

// Remember the first network error met on a remote shard of db: its
// connection is then unusable (shelf_xdb_lost).  Never throws.
void note_lost(shelf_xdb *db, const Xapian::NetworkError &e, const char *what) noexcept
{
    if (!db->remote || !db->lost.empty())
        return;
    try {
        std::string shard = shard_note(e, "");
        const char *sys = e.get_error_string();
        db->lost = (shard.empty() ? db->path : shard.substr(std::strlen(" on shard "))) + ": " +
                   what + ": " + e.get_type() + ": " + e.get_msg() +
                   (sys ? std::string(" (") + sys + ")" : std::string());
    } catch (...) {
        db->lost = "a remote shard was lost";
    }
}

// guarded() for an operation on an open handle; a read-only handle retries
// once after reopening when the database changed underneath it, and a
// network error marks the handle lost.
template <class F>
int on_db(shelf_xdb *db, shelf_err *err, const char *what, F &&body)
{
    if (!db)
        return shelf_errf(err, SHELF_EINVAL, "xapian: %s: no database", what);
    return guarded(err, db->path.c_str(), what, [&]() -> int {
        try {
            try {
                return body();
            } catch (const Xapian::DatabaseModifiedError &) {
                if (db->wdb)
                    throw;
                db->db->reopen();
                db->reopens++;
                return body();
            }
        } catch (const Xapian::NetworkError &e) {
            note_lost(db, e, what);
            throw;
        }
    });
}

// on_db() for an operation that needs a writable handle.
template <class F>
int on_writer(shelf_xdb *db, shelf_err *err, const char *what, F &&body)
{
    if (db && !db->wdb)
        return shelf_errf(err, SHELF_EINVAL, "%s: %s: database opened read-only",
                          db->path.c_str(), what);
    return on_db(db, err, what, body);
}

int open_handle(shelf_xdb **out, const char *path, bool writable, int create, shelf_err *err)
{
    if (!out || !path)
        return shelf_errf(err, SHELF_EINVAL, "xapian: open: no path");
    *out = nullptr;
    return guarded(err, path, "open", [&]() -> int {
        std::unique_ptr<shelf_xdb> h(new shelf_xdb);
        h->path = path;
        if (writable) {
            int flags = create ? Xapian::DB_CREATE_OR_OPEN : Xapian::DB_OPEN;
            h->wdb = new Xapian::WritableDatabase(path, flags);
            h->db.reset(h->wdb);
        } else {
            h->db.reset(new Xapian::Database(path));
        }
        h->shards.push_back(path);
        *out = h.release();
        return SHELF_OK;
    });
}

std::string term_string(const char *term, size_t len)
{
    if (!term && len)
        throw bad_argument("NULL term");
    return std::string(term ? term : "", len);
}

std::string id_term(const char *id, size_t len)
{
    return SHELF_XAPIAN_ID_PREFIX + term_string(id, len);
}

// ---- query handles ----

const Xapian::Query &query_of(const shelf_xq *q)
{
    if (!q)
        throw bad_argument("NULL subquery");
    return q->query;
}

std::vector<Xapian::Query> queries_of(shelf_xq *const *subs, size_t n)
{
    if (n && !subs)
        throw bad_argument("no subqueries");
    std::vector<Xapian::Query> queries;
    queries.reserve(n);
    for (size_t i = 0; i < n; i++)
        queries.push_back(query_of(subs[i]));
    return queries;
}

// *out = a new handle holding the query build() returns.
template <class F>
int build_query(shelf_xq **out, shelf_err *err, const char *what, F &&build)
{
    if (!out)
        return shelf_errf(err, SHELF_EINVAL, "%s: %s: no output", QUERY_CONTEXT, what);
    *out = nullptr;
    return guarded(err, QUERY_CONTEXT, what, [&]() -> int {
        *out = new shelf_xq{build()};
        return SHELF_OK;
    });
}

// op over n subqueries, in order, within window (0: none).
int nary_query(shelf_xq **out, Xapian::Query::op op, shelf_xq *const *subs, size_t n,
               Xapian::termcount window, shelf_err *err, const char *what)
{
    return build_query(out, err, what, [&]() {
        std::vector<Xapian::Query> queries = queries_of(subs, n);
        return Xapian::Query(op, queries.begin(), queries.end(), window);
    });
}

int pair_query(shelf_xq **out, Xapian::Query::op op, const shelf_xq *a, const shelf_xq *b,
               shelf_err *err, const char *what)
{
    return build_query(out, err, what,
                       [&]() { return Xapian::Query(op, query_of(a), query_of(b)); });
}

// Run q: hits [offset, offset + k) into hits, the exact match count into *total.
int run_query(const Xapian::Database &db, bool remote, const Xapian::Query &q,
              const shelf_xsearch *params, shelf_xhit *hits, size_t *count, uint64_t *total)
{
    if (shelf_deadline_passed(params->deadline_ns))
        throw out_of_time();
    Xapian::Enquire enquire(db);
    enquire.set_query(q);
    enquire.set_weighting_scheme(Xapian::BM25Weight(params->k1, 0, 1, params->b, 0.0));
    enquire.set_docid_order(Xapian::Enquire::ASCENDING);
    enquire.set_sort_by_relevance();
    Xapian::doccount n = db.get_doccount();
    Xapian::doccount first = (Xapian::doccount)std::min<uint64_t>(params->offset, n);
    Xapian::doccount want = (Xapian::doccount)std::min<uint64_t>(params->k, n);
    deadline_decider decider(params->deadline_ns);
    // The remote backend takes no match decider: there the remote timeout
    // bounds the search instead of our deadline.
    Xapian::MSet mset = params->deadline_ns && !remote ? enquire.get_mset(first, want, n, nullptr, &decider)
                                            : enquire.get_mset(first, want, n);
    size_t got = 0;
    for (auto m = mset.begin(); m != mset.end() && got < params->k; ++m, ++got)
        hits[got] = shelf_xhit{*m, m.get_weight()};
    *count = got;
    *total = mset.get_matches_estimated();
    return SHELF_OK;
}

void copy_text(char *out, size_t out_size, const std::string &text)
{
    if (!out || !out_size)
        return;
    size_t n = std::min(text.size(), out_size - 1);
    memcpy(out, text.data(), n);
    out[n] = '\0';
}

int buf_set(shelf_buf *out, const void *data, size_t len)
{
    shelf_buf_reset(out);
    if (shelf_buf_append(out, data, len) != SHELF_OK)
        throw std::bad_alloc();
    return SHELF_OK;
}

} // namespace

extern "C" {

// ---- databases ----

int shelf_xdb_open_writable(shelf_xdb **db, const char *path, int create, shelf_err *err)
{
    return open_handle(db, path, true, create, err);
}

int shelf_xdb_open(shelf_xdb **db, const char *path, shelf_err *err)
{
    return open_handle(db, path, false, 0, err);
}

const char *shelf_xdb_path(const shelf_xdb *db)
{
    return db ? db->path.c_str() : "xapian";
}

void shelf_xdb_close(shelf_xdb *db)
{
    if (!db)
        return;
    try {
        // Xapian's close: an open transaction is cancelled, changes made
        // outside one are committed.
        db->db->close();
    } catch (...) {
        // nothing to report to: the handle goes away either way
    }
    delete db;
}

int shelf_xdb_open_empty(shelf_xdb **db, const char *name, shelf_err *err)
{
    if (!db || !name)
        return shelf_errf(err, SHELF_EINVAL, "xapian: open: no name");
    *db = nullptr;
    return guarded(err, name, "open", [&]() -> int {
        std::unique_ptr<shelf_xdb> h(new shelf_xdb);
        h->path = name;
        h->db.reset(new Xapian::Database());
        *db = h.release();
        return SHELF_OK;
    });
}

int shelf_xdb_open_remote(shelf_xdb **db, const char *host, unsigned port, unsigned timeout_ms,
                          unsigned connect_ms, shelf_err *err)
{
    if (!db || !host)
        return shelf_errf(err, SHELF_EINVAL, "xapian: open: no host");
    *db = nullptr;
    std::string name = std::string(host) + ":" + std::to_string(port);
    return guarded(err, name.c_str(), "open remote shard", [&]() -> int {
        std::unique_ptr<shelf_xdb> h(new shelf_xdb);
        h->path = name;
        h->db.reset(new Xapian::Database(Xapian::Remote::open(host, port, timeout_ms, connect_ms)));
        h->shards.push_back(name);
        h->remote = true;
        *db = h.release();
        return SHELF_OK;
    });
}

int shelf_xdb_absorb(shelf_xdb *db, shelf_xdb *other, shelf_err *err)
{
    std::unique_ptr<shelf_xdb> owned(other);
    if (db && other && (db->wdb || other->wdb))
        return shelf_errf(err, SHELF_EINVAL, "%s: add shard: a writable database", db->path.c_str());
    return on_db(db, err, "add shard", [&]() -> int {
        if (!other)
            throw bad_argument("no shard");
        db->db->add_database(*other->db);
        db->shards.insert(db->shards.end(), other->shards.begin(), other->shards.end());
        db->remote = db->remote || other->remote;
        return SHELF_OK;
    });
}

size_t shelf_xdb_shard_count(const shelf_xdb *db)
{
    return db ? db->shards.size() : 0;
}

// Xapian numbers the documents of n combined databases round robin:
// document d of shard s (from 0) is (d - 1) * n + s + 1.
size_t shelf_xdb_shard_of(const shelf_xdb *db, uint32_t docid, const char **name)
{
    size_t n = db ? db->shards.size() : 0;
    size_t shard = n && docid ? (docid - 1) % n : 0;
    if (name)
        *name = n ? db->shards[shard].c_str() : shelf_xdb_path(db);
    return shard;
}

int shelf_xdb_is_remote(const shelf_xdb *db)
{
    return db && db->remote;
}

uint64_t shelf_xdb_reopens(const shelf_xdb *db)
{
    return db ? db->reopens : 0;
}

const char *shelf_xdb_lost(const shelf_xdb *db)
{
    return db && !db->lost.empty() ? db->lost.c_str() : nullptr;
}

int shelf_xdb_begin(shelf_xdb *db, shelf_err *err)
{
    return on_writer(db, err, "begin transaction", [&]() -> int {
        db->wdb->begin_transaction(true);
        db->in_txn = true;
        return SHELF_OK;
    });
}

int shelf_xdb_commit(shelf_xdb *db, shelf_err *err)
{
    return on_writer(db, err, "commit", [&]() -> int {
        if (db->in_txn) {
            db->in_txn = false; // a failed commit_transaction ends it too
            db->wdb->commit_transaction();
        } else {
            db->wdb->commit();
        }
        return SHELF_OK;
    });
}

int shelf_xdb_cancel(shelf_xdb *db, shelf_err *err)
{
    return on_writer(db, err, "cancel transaction", [&]() -> int {
        db->in_txn = false;
        db->wdb->cancel_transaction();
        return SHELF_OK;
    });
}

int shelf_xdb_get_metadata(shelf_xdb *db, const char *key, char *out, size_t out_size,
                           shelf_err *err)
{
    return on_db(db, err, "get metadata", [&]() -> int {
        if (!key || !out || !out_size)
            throw bad_argument("no key or no room for the value");
        std::string value = db->db->get_metadata(key);
        if (value.size() >= out_size)
            throw bad_argument(std::string("value of '") + key + "' longer than " +
                               std::to_string(out_size - 1) + " bytes");
        copy_text(out, out_size, value);
        return SHELF_OK;
    });
}

int shelf_xdb_set_metadata(shelf_xdb *db, const char *key, const char *value, shelf_err *err)
{
    return on_writer(db, err, "set metadata", [&]() -> int {
        if (!key || !value)
            throw bad_argument("no key or value");
        db->wdb->set_metadata(key, value);
        return SHELF_OK;
    });
}

// ---- documents ----

shelf_xdoc *shelf_xdoc_new(void)
{
    try {
        return new shelf_xdoc;
    } catch (...) {
        return nullptr;
    }
}

void shelf_xdoc_free(shelf_xdoc *doc)
{
    delete doc;
}

int shelf_xdoc_add_posting(shelf_xdoc *doc, const char *term, size_t len, uint32_t pos,
                           uint32_t wdf_inc, shelf_err *err)
{
    return guarded(err, DOC_CONTEXT, "add posting", [&]() -> int {
        if (!doc)
            throw bad_argument("no document");
        if (pos == UINT32_MAX)
            throw bad_argument("position out of range");
        doc->doc.add_posting(term_string(term, len), pos + 1, wdf_inc);
        return SHELF_OK;
    });
}

int shelf_xdoc_add_boolean_term(shelf_xdoc *doc, const char *term, size_t len, shelf_err *err)
{
    return guarded(err, DOC_CONTEXT, "add boolean term", [&]() -> int {
        if (!doc)
            throw bad_argument("no document");
        doc->doc.add_boolean_term(term_string(term, len));
        return SHELF_OK;
    });
}

int shelf_xdoc_set_data(shelf_xdoc *doc, const void *data, size_t len, shelf_err *err)
{
    return guarded(err, DOC_CONTEXT, "set data", [&]() -> int {
        if (!doc || (!data && len))
            throw bad_argument("no document or no data");
        doc->doc.set_data(std::string(static_cast<const char *>(data), len));
        return SHELF_OK;
    });
}

int shelf_xdoc_set_value(shelf_xdoc *doc, unsigned slot, const void *data, size_t len, shelf_err *err)
{
    return guarded(err, DOC_CONTEXT, "set value", [&]() -> int {
        if (!doc || (!data && len))
            throw bad_argument("no document or no value");
        doc->doc.add_value(slot, std::string(static_cast<const char *>(data), len));
        return SHELF_OK;
    });
}

int shelf_xdoc_index_plain_words(shelf_xdoc *doc, const char *text, size_t len, shelf_err *err)
{
    return guarded(err, DOC_CONTEXT, "index plain words", [&]() -> int {
        if (!doc || (!text && len))
            throw bad_argument("no document or no text");
        Xapian::TermGenerator generator;
        generator.set_document(doc->doc);
        generator.index_text(std::string(text ? text : "", len), 0);
        return SHELF_OK;
    });
}

int shelf_xdb_replace(shelf_xdb *db, const char *id, size_t id_len, shelf_xdoc *doc,
                      uint32_t *docid, shelf_err *err)
{
    return on_writer(db, err, "replace document", [&]() -> int {
        if (!doc)
            throw bad_argument("no document");
        std::string unique = id_term(id, id_len);
        doc->doc.add_boolean_term(unique); // so that find() and PATH see it
        Xapian::docid did = db->wdb->replace_document(unique, doc->doc);
        if (docid)
            *docid = did;
        return SHELF_OK;
    });
}

int shelf_xdb_delete(shelf_xdb *db, const char *id, size_t id_len, shelf_err *err)
{
    return on_writer(db, err, "delete document", [&]() -> int {
        db->wdb->delete_document(id_term(id, id_len));
        return SHELF_OK;
    });
}

int shelf_xdb_find(shelf_xdb *db, const char *id, size_t id_len, uint32_t *docid, shelf_err *err)
{
    return on_db(db, err, "find document", [&]() -> int {
        std::string unique = id_term(id, id_len);
        Xapian::PostingIterator p = db->db->postlist_begin(unique);
        if (p == db->db->postlist_end(unique))
            return shelf_errf(err, SHELF_ENOTFOUND, "%s: no document with id '%s'",
                              db->path.c_str(), unique.c_str() + SHELF_XAPIAN_ID_PREFIX_LEN);
        if (docid)
            *docid = *p;
        return SHELF_OK;
    });
}

int shelf_xdb_data(shelf_xdb *db, uint32_t docid, shelf_buf *out, shelf_err *err)
{
    return on_db(db, err, "read document data", [&]() -> int {
        if (!out)
            throw bad_argument("no output buffer");
        std::string data = db->db->get_document(docid).get_data();
        return buf_set(out, data.data(), data.size());
    });
}

int shelf_xdb_value(shelf_xdb *db, uint32_t docid, unsigned slot, shelf_buf *out, shelf_err *err)
{
    return on_db(db, err, "read document value", [&]() -> int {
        if (!out)
            throw bad_argument("no output buffer");
        std::string value = db->db->get_document(docid).get_value(slot);
        return buf_set(out, value.data(), value.size());
    });
}

int shelf_xdb_positions(shelf_xdb *db, uint32_t docid, const char *term, size_t len,
                        shelf_buf *out, shelf_err *err)
{
    return on_db(db, err, "read positions", [&]() -> int {
        if (!out)
            throw bad_argument("no output buffer");
        std::string t = term_string(term, len);
        std::vector<uint32_t> ours;
        try {
            for (auto p = db->db->positionlist_begin(docid, t);
                 p != db->db->positionlist_end(docid, t); ++p)
                ours.push_back(*p - 1);
        } catch (const Xapian::DocNotFoundError &) {
            ours.clear(); // the term is not in that document
        }
        return buf_set(out, ours.data(), ours.size() * sizeof(uint32_t));
    });
}

// ---- statistics and terms ----

uint64_t shelf_xdb_doc_count(shelf_xdb *db)
{
    uint64_t n = 0;
    on_db(db, nullptr, "document count", [&]() -> int {
        n = db->db->get_doccount();
        return SHELF_OK;
    });
    return n;
}

int shelf_xdb_termfreq(shelf_xdb *db, const char *term, size_t len, uint64_t *df, shelf_err *err)
{
    return on_db(db, err, "term frequency", [&]() -> int {
        if (!df)
            throw bad_argument("no output");
        *df = db->db->get_termfreq(term_string(term, len));
        return SHELF_OK;
    });
}

int shelf_xdb_terms(shelf_xdb *db, const char *prefix, size_t len,
                    int (*fn)(void *ctx, const char *term, size_t len, uint64_t df), void *ctx,
                    shelf_err *err)
{
    return on_db(db, err, "list terms", [&]() -> int {
        if (!fn)
            throw bad_argument("no callback");
        std::string pre = term_string(prefix, len);
        for (auto t = db->db->allterms_begin(pre); t != db->db->allterms_end(pre); ++t) {
            std::string term = *t;
            if (fn(ctx, term.data(), term.size(), t.get_termfreq()))
                break;
        }
        return SHELF_OK;
    });
}

// ---- building queries ----

int shelf_xq_term(shelf_xq **out, const char *term, size_t len, shelf_err *err)
{
    return build_query(out, err, "term", [&]() { return Xapian::Query(term_string(term, len)); });
}

int shelf_xq_nothing(shelf_xq **out, shelf_err *err)
{
    return build_query(out, err, "nothing", []() { return Xapian::Query::MatchNothing; });
}

int shelf_xq_and(shelf_xq **out, shelf_xq *const *subs, size_t n, shelf_err *err)
{
    return nary_query(out, Xapian::Query::OP_AND, subs, n, 0, err, "and");
}

int shelf_xq_or(shelf_xq **out, shelf_xq *const *subs, size_t n, shelf_err *err)
{
    return nary_query(out, Xapian::Query::OP_OR, subs, n, 0, err, "or");
}

int shelf_xq_phrase(shelf_xq **out, shelf_xq *const *terms, size_t n, uint32_t window,
                    shelf_err *err)
{
    return nary_query(out, Xapian::Query::OP_PHRASE, terms, n, window, err, "phrase");
}

int shelf_xq_near(shelf_xq **out, shelf_xq *const *terms, size_t n, uint32_t window,
                  shelf_err *err)
{
    return nary_query(out, Xapian::Query::OP_NEAR, terms, n, window, err, "near");
}

int shelf_xq_and_maybe(shelf_xq **out, const shelf_xq *a, const shelf_xq *b, shelf_err *err)
{
    return pair_query(out, Xapian::Query::OP_AND_MAYBE, a, b, err, "and maybe");
}

int shelf_xq_and_not(shelf_xq **out, const shelf_xq *a, const shelf_xq *b, shelf_err *err)
{
    return pair_query(out, Xapian::Query::OP_AND_NOT, a, b, err, "and not");
}

int shelf_xq_filter(shelf_xq **out, const shelf_xq *a, const shelf_xq *b, shelf_err *err)
{
    return pair_query(out, Xapian::Query::OP_FILTER, a, b, err, "filter");
}

int shelf_xq_value_ge(shelf_xq **out, unsigned slot, const char *value, size_t len, shelf_err *err)
{
    return build_query(out, err, "value at least", [&]() {
        return Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, term_string(value, len));
    });
}

int shelf_xq_value_le(shelf_xq **out, unsigned slot, const char *value, size_t len, shelf_err *err)
{
    return build_query(out, err, "value at most", [&]() {
        return Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, term_string(value, len));
    });
}

int shelf_xq_scale(shelf_xq **out, const shelf_xq *q, double factor, shelf_err *err)
{
    return build_query(out, err, "scale weight", [&]() {
        return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, query_of(q), factor);
    });
}

void shelf_xq_free(shelf_xq *q)
{
    delete q;
}

// ---- searching ----

int shelf_xdb_run(shelf_xdb *db, const shelf_xq *query, const shelf_xsearch *params,
                  shelf_xhit *hits, size_t *count, uint64_t *total, shelf_err *err)
{
    return on_db(db, err, "search", [&]() -> int {
        if (!query || !params || !count || !total || (params->k && !hits))
            throw bad_argument("missing query, parameters or outputs");
        return run_query(*db->db, db->remote, query->query, params, hits, count, total);
    });
}

int shelf_xdb_check(const char *path, char *report, size_t report_size, uint64_t *errors,
                    shelf_err *err)
{
    if (!path)
        return shelf_errf(err, SHELF_EINVAL, "xapian: check: no path");
    copy_text(report, report_size, "");
    return guarded(err, path, "check", [&]() -> int {
        std::ostringstream text;
        size_t found = Xapian::Database::check(path, 0, &text);
        std::string file = found ? damaged_file(path) : "";
        copy_text(report, report_size, (file.empty() ? "" : "damaged file: " + file + "\n") + text.str());
        if (errors)
            *errors = found;
        return SHELF_OK;
    });
}

} // extern "C"
