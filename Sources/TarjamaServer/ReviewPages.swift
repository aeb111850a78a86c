import Foundation
import Hummingbird
import NIOCore
import TarjamaAlign
import TarjamaMemory

/// The alignment review pages: an Arabic article and its English translation (pasted, or read
/// from files by the browser) or a held-back review file become beads side by side, which a
/// person confirms, merges, splits, moves and edits; confirmed beads are stored in the memory
/// (a write key). Every step is a form post (the pages work without JavaScript) saved in the
/// memory at once, so a review stops and goes on later, from any server of the desk; a little
/// plain JavaScript adds single-key commands.
///
/// Reviews are the desk's work in progress, not the memory: opening and changing one needs what
/// reading needs; storing its beads needs a write key.
struct ReviewPages {
    let server: DeskServer

    /// The largest article pair (or review file) a review is made from.
    static let maximumFormBytes = 4 << 20

    func add(to router: Router<BasicRequestContext>) {
        router.get("review") { request, _ in try await list(request) }
        router.post("review") { request, _ in try await create(request) }
        router.get("review/:id") { request, context in try await show(request, id: try reviewID(context)) }
        router.post("review/:id") { request, context in try await act(request, id: try reviewID(context)) }
    }

    private func reviewID(_ context: BasicRequestContext) throws -> String {
        guard let id = context.parameters.get("id"), id.count <= 40, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
            throw ClientError(.notFound, "no such review")
        }
        return id
    }

    // MARK: Pages

    private func list(_ request: Request) async throws -> Response {
        let query = try StrictQuery(request)
        _ = try await server.authorize(request, query: query, for: .read)
        let reviews = try await offload { [store = server.store] in try store.reviews() }
        let items = reviews.map { r in
            "<li><a href=\"/review/\(escape(r.id))\">\(escape(r.name))</a> <span class=meta>changed \(ISO8601DateFormatter().string(from: r.updatedAt))</span></li>"
        }.joined()
        let body = """
            <h1>Alignment review</h1>\(Page.message(query["message"]))
            \(reviews.isEmpty ? "" : "<h2>Reviews in progress</h2><ul>\(items)</ul>")
            <h2>New review</h2>
            <form method=post action="/review" id=new>
            <label for=name>Name (the origin its units get in the memory)</label>
            <input id=name name=name size=50 placeholder="wire/2026-12-05 putin-xi">
            <div class=row>
            <div><label for=arabic>Arabic article</label><input type=file accept=".txt,text/plain" data-into=arabic aria-label="Arabic file">
            <textarea id=arabic name=arabic rows=12 dir=rtl lang=ar></textarea></div>
            <div><label for=english>English translation</label><input type=file accept=".txt,text/plain" data-into=english aria-label="English file">
            <textarea id=english name=english rows=12 dir=ltr lang=en></textarea></div>
            </div>
            <details><summary>…or a review file from <code>tarjama align --store --review FILE</code></summary>
            <textarea id=reviewfile name=reviewfile rows=6 aria-label="Review file"></textarea></details>
            <p><button type=submit>Align and review</button></p>
            </form>
            """
        // Files are read in the browser into the text areas (no upload format to parse).
        let script = """
            document.querySelectorAll('input[type=file][data-into]').forEach(function(input){
              input.addEventListener('change', function(){
                var f = input.files[0]; if (!f) return;
                f.text().then(function(t){ document.getElementById(input.dataset.into).value = t; });
              });
            });
            """
        return Page.html(title: "Alignment review", body: body, script: script)
    }

    private func create(_ request: Request) async throws -> Response {
        let form = try await FormBody(request, limit: Self.maximumFormBytes)
        _ = try await server.authorize(request, query: try StrictQuery(request), formKey: form["key"], for: .read)
        let id = Self.newID()
        let given = (form["name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let name = given.isEmpty ? "review-\(id)" : String(given.prefix(200))
        let arabic = form["arabic"] ?? "", english = form["english"] ?? "", file = form["reviewfile"] ?? ""
        let store = server.store
        let review: AlignmentReview
        if !file.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            do {
                review = try AlignmentReview(name: name, reviewFile: file)
            } catch {
                return Page.redirect("/review?message=" + Page.component("The review file cannot be read: \(error)"))
            }
        } else {
            guard !arabic.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
                  !english.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                return Page.redirect("/review?message=" + Page.component("Give both the Arabic article and its English translation (or a review file)."))
            }
            review = try await offload {
                let lexicon: (any MemoryStore)? = try store.hasLexicon() ? store : nil
                let doc = try DocumentAligner(aligner: Aligner(lexicon: lexicon)).align(sourceText: arabic, targetText: english)
                return AlignmentReview(name: name, document: doc)
            }
        }
        let state = try JSONEncoder().encode(review)
        _ = try await offload { try store.saveReview(id: id, name: name, state: state, revision: nil) }
        return Page.redirect("/review/\(id)")
    }

    private func load(_ id: String) async throws -> (AlignmentReview, Int64) {
        guard let saved = try await offload({ [store = server.store] in try store.review(id: id) }) else {
            throw ClientError(.notFound, "no review \(id): it was finished or never made (see /review)")
        }
        return (try JSONDecoder().decode(AlignmentReview.self, from: saved.state), saved.revision)
    }

    private func show(_ request: Request, id: String) async throws -> Response {
        let query = try StrictQuery(request)
        _ = try await server.authorize(request, query: query, for: .read)
        let (review, revision) = try await load(id)
        let rows = review.beads.indices.map { row(review, $0, id: id, revision: revision) }.joined()
        let body = """
            <h1>Review: <span dir=auto>\(escape(review.name))</span></h1>\(Page.message(query["message"]))
            <p class=meta id=progress>\(review.beads.count) beads: \(review.open) open, \(review.confirmed) confirmed, \(review.stored) stored.
            Keys: <kbd>j</kbd>/<kbd>k</kbd> next/previous, <kbd>c</kbd> or <kbd>Enter</kbd> confirm and go to the next open bead,
            <kbd>o</kbd> reopen, <kbd>m</kbd> merge with the next, <kbd>s</kbd> split, <kbd>[</kbd>/<kbd>]</kbd> move an English sentence
            up/down, <kbd>{</kbd>/<kbd>}</kbd> an Arabic one, <kbd>e</kbd> edit, <kbd>S</kbd> store the confirmed beads.</p>
            <form method=post action="/review/\(escape(id))" id=store>
            <input type=hidden name=op value=store><input type=hidden name=revision value=\(revision)>
            <label for=key>Write key (storing needs one: <code>tarjama key create --role write</code>)</label>
            <input type=password id=key name=key size=40 autocomplete=off>
            <button type=submit>Store \(review.confirmed) confirmed beads in the memory</button></form>
            <table><thead><tr><th>#</th><th>Arabic</th><th>English</th><th>Confidence</th><th>Actions</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """
        return Page.html(title: "Review \(review.name)", body: body, script: Self.keyboard)
    }

    private func row(_ review: AlignmentReview, _ k: Int, id: String, revision: Int64) -> String {
        let bead = review.beads[k]
        let (source, target) = review.texts(k)
        // Confidence shading: red (0) to green (1) while open.
        let hue = Int((min(max(bead.confidence, 0), 1) * 120).rounded())
        let shade = bead.state == .open ? " style=\"background:hsl(\(hue) 70% 88%)\"" : ""
        let edited = bead.editedSource != nil || bead.editedTarget != nil ? " <span class=meta>(edited)</span>" : ""
        let actions: String
        if bead.state == .stored {
            actions = "<span class=meta>stored</span>"
        } else {
            func button(_ op: AlignmentReview.Operation, _ label: String, _ key: String) -> String {
                "<button type=submit name=op value=\(op.rawValue) title=\"\(escape(key))\">\(label)</button>"
            }
            actions = """
                <form method=post action="/review/\(escape(id))">
                <input type=hidden name=bead value=\(k)><input type=hidden name=revision value=\(revision)>
                \(bead.state == .confirmed ? button(.reopen, "Reopen", "o") : button(.confirm, "Confirm", "c"))
                \(button(.merge, "Merge ↓", "m"))\(button(.split, "Split", "s"))
                \(button(.targetUp, "EN ↑", "["))\(button(.targetDown, "EN ↓", "]"))\(button(.sourceUp, "AR ↑", "{"))\(button(.sourceDown, "AR ↓", "}"))
                <details><summary>Edit</summary>
                <textarea name=source rows=3 dir=rtl lang=ar aria-label="Arabic">\(escape(source))</textarea>
                <textarea name=target rows=3 dir=ltr lang=en aria-label="English">\(escape(target))</textarea>
                \(button(.edit, "Save edit", "e"))</details></form>
                """
        }
        return """
            <tr class="bead \(bead.state.rawValue)" id=b\(k) tabindex=0 data-state=\(bead.state.rawValue)>
            <td>\(k + 1)<br><span class=meta>\(bead.type)</span></td>
            <td dir=rtl lang=ar>\(escape(source))\(edited)</td><td dir=ltr lang=en>\(escape(target))</td>
            <td class=conf\(shade)>\(String(format: "%.2f", bead.confidence))<br><span class=meta>\(bead.state.rawValue)</span></td>
            <td class=actions>\(actions)</td></tr>
            """
    }

    // MARK: Actions

    private func act(_ request: Request, id: String) async throws -> Response {
        let form = try await FormBody(request, limit: 1 << 20)
        let query = try StrictQuery(request)
        let op = form["op"] ?? ""
        let key: AccessKey?
        do {
            key = try await server.authorize(request, query: query, formKey: form["key"], for: op == "store" ? .write : .read)
        } catch let error as ClientError where op == "store" {
            return Page.redirect("/review/\(id)?message=" + Page.component("Nothing stored: \(error.message)"))
        }
        var (review, revision) = try await load(id)
        guard let read = form["revision"].flatMap({ Int64($0) }), read == revision else {
            return Page.redirect("/review/\(id)?message=" + Page.component("This review was changed elsewhere since the page was loaded; here it is as it is now. Apply the change again."))
        }
        let store = server.store
        var next = 0
        var message: String?
        if op == "store" {
            let user = key?.name
            let before = review.confirmed
            let current = review
            let summary = try await offload { () throws -> (AlignmentReview, AddSummary) in
                var copy = current
                let s = try copy.storeConfirmed(in: store, user: user)
                return (copy, s)
            }
            review = summary.0
            server.metrics.writes.increment(by: Int64(summary.1.added))
            message = "Stored \(before) confirmed beads: \(summary.1.added) new units, \(summary.1.duplicates) already in the memory."
            next = review.nextOpen(after: -1) ?? 0
        } else {
            guard let operation = AlignmentReview.Operation(rawValue: op), let k = form["bead"].flatMap({ Int($0) }) else {
                throw ClientError(.badRequest, "send op (\(AlignmentReview.Operation.allCases.map(\.rawValue).joined(separator: ", ")), store) and bead")
            }
            do {
                next = try review.apply(operation, to: k, source: form["source"], target: form["target"])
            } catch let error as ReviewError {
                return Page.redirect("/review/\(id)?message=" + Page.component(error.description) + "#b\(k)")
            }
        }
        let state = try JSONEncoder().encode(review)
        let name = review.name, base = revision
        do {
            _ = try await offload { try store.saveReview(id: id, name: name, state: state, revision: base) }
        } catch is ReviewConflict {
            return Page.redirect("/review/\(id)?message=" + Page.component("This review was changed elsewhere at the same moment; here it is as it is now. Apply the change again."))
        }
        return Page.redirect("/review/\(id)" + (message.map { "?message=" + Page.component($0) } ?? "") + "#b\(next)")
    }

    static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<12).map { _ in String(UInt8.random(in: 0...15, using: &generator), radix: 16) }.joined()
    }

    /// Single-key commands: each submits the focused bead's form with its operation; the page
    /// comes back with the bead to look at next focused (the URL's #bN).
    static let keyboard = """
        (function(){
          var rows = Array.prototype.slice.call(document.querySelectorAll('tr.bead'));
          function focus(r){ if (r) { r.focus(); r.scrollIntoView({block: 'center'}); } }
          var start = location.hash ? document.getElementById(location.hash.slice(1)) : null;
          focus(start || rows.filter(function(r){ return r.dataset.state === 'open'; })[0] || rows[0]);
          var key = document.getElementById('key');
          if (key) {
            key.value = sessionStorage.getItem('tarjama-key') || '';
            key.addEventListener('input', function(){ sessionStorage.setItem('tarjama-key', key.value); });
          }
          var ops = {c: 'confirm', Enter: 'confirm', o: 'reopen', m: 'merge', s: 'split',
                     '[': 'targetUp', ']': 'targetDown', '{': 'sourceUp', '}': 'sourceDown'};
          document.addEventListener('keydown', function(e){
            if (e.ctrlKey || e.metaKey || e.altKey) return;
            if (e.target.closest('input, textarea, select, button, summary')) return;
            var row = document.activeElement && document.activeElement.closest ? document.activeElement.closest('tr.bead') : null;
            row = row || rows[0];
            var i = rows.indexOf(row);
            if (e.key === 'j' || e.key === 'ArrowDown') { focus(rows[i + 1]); e.preventDefault(); return; }
            if (e.key === 'k' || e.key === 'ArrowUp') { focus(rows[i - 1]); e.preventDefault(); return; }
            if (e.key === 'S') { document.getElementById('store').requestSubmit(); e.preventDefault(); return; }
            if (e.key === 'e') {
              var d = row.querySelector('details'); if (d) { d.open = true; d.querySelector('textarea').focus(); }
              e.preventDefault(); return;
            }
            var op = ops[e.key]; if (!op) return;
            var button = row.querySelector('button[value="' + op + '"]');
            if (button) { button.form.requestSubmit(button); e.preventDefault(); }
          });
        })();
        """
}
