"""The served pages in a real browser (Debian's chromium through Playwright): search, an
alignment review (confirm, merge, split, move, edit, store with a write key), the units page and
the pre-translation report, checked against the memory afterwards through the tarjama binary.

Run by the Swift test `browserPagesWork` (scripts/test.sh sets it up):
    python pages_test.py TARJAMA_BINARY PACKAGE_ROOT SCREENSHOT_DIR
Prints one line per check and exits non-zero on the first failure."""
import json, os, socket, subprocess, sys, tempfile, time, urllib.parse, urllib.request
from playwright.sync_api import sync_playwright

tarjama, root, shots = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(shots, exist_ok=True)
work = tempfile.mkdtemp(prefix="tarjama-browser-")
memory = os.path.join(work, "desk.tmdb")
checks = 0


def run(*args):
    r = subprocess.run([tarjama, *args, "--memory", memory], capture_output=True, text=True, cwd=work)
    if r.returncode != 0:
        sys.exit(f"tarjama {' '.join(args)} failed: {r.stderr}")
    return r.stdout


def check(ok, what):
    global checks
    if not ok:
        sys.exit(f"FAILED: {what}")
    checks += 1
    print(f"ok {checks}: {what}")


# A memory with a unit whose target holds markup, and a write key.
pairs = os.path.join(work, "pairs.tsv")
with open(pairs, "w", encoding="utf-8") as f:
    f.write("قال الوزير إن المحادثات كانت بناءة ومثمرة.\tThe minister said the talks were constructive <script>alert(1)</script>.\n")
    f.write("وصل الوفد إلى القاهرة صباح الأحد.\tThe delegation arrived in Cairo on Sunday morning.\n")
run("import", "--create", pairs)
key = run("key", "create", "--role", "write", "--name", "browser").strip().splitlines()[-1].strip()

s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
server = subprocess.Popen([tarjama, "serve", "--memory", memory, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
base = f"http://127.0.0.1:{port}"
try:
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1); break
        except Exception:
            time.sleep(0.1)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

        # Search: the match shown, the stored markup shown as text, never run.
        page.goto(base + "/search?q=" + urllib.parse.quote("قال الوزير إن المحادثات كانت مثمرة."))
        check(page.locator(".match .score").first.inner_text().endswith("%"), "search shows a scored match")
        check("<script>alert(1)</script>" in page.locator(".match").first.inner_text() and not dialogs,
              "a stored <script> is shown as text and never runs")
        page.screenshot(path=os.path.join(shots, "search.png"), full_page=True)

        # Alignment review of the seed article and its translation.
        arabic = open(os.path.join(root, "Samples/putin-xi/ar.txt"), encoding="utf-8").read()
        english = open(os.path.join(root, "Samples/putin-xi/en.txt"), encoding="utf-8").read()
        page.goto(base + "/review")
        page.fill("#name", "wire/putin-xi")
        page.fill("#arabic", arabic)
        page.fill("#english", english)
        page.click("text=Align and review")
        page.wait_for_selector("tr.bead")
        beads = page.locator("tr.bead").count()
        check(beads >= 15, f"the review shows the article's beads ({beads})")
        check(page.locator("tr.bead").first.get_attribute("data-state") == "open", "beads start open")
        page.screenshot(path=os.path.join(shots, "review.png"), full_page=True)

        def state(k):
            return page.locator(f"#b{k}").get_attribute("data-state")

        def press(selector, key):
            """Focuses a bead and presses a key that posts its form; waits for the page it leads to."""
            if selector:
                page.locator(selector).focus()
            with page.expect_navigation():
                page.keyboard.press(key)

        def click(selector):
            with page.expect_navigation():
                page.locator(selector).first.click()

        # Confirm the first bead with the keyboard: the next open bead gets the focus.
        press("#b0", "c")
        check(state(0) == "confirmed", "c confirms the focused bead")
        check(page.evaluate("document.activeElement.id") == "b1", "…and moves to the next open bead")
        press(None, "Enter")
        check(state(1) == "confirmed", "Enter confirms too")

        # Merge bead 3 with bead 4, then split it again.
        press("#b2", "m")
        check(page.locator("tr.bead").count() == beads - 1, "m merges a bead with the next")
        merged = page.locator("#b2 td").first.inner_text()
        check("2-2" in merged or "2-1" in merged or "1-2" in merged, f"the merged bead holds both ({merged.split()[-1]})")
        press("#b2", "s")
        check(page.locator("tr.bead").count() == beads, "s splits it again")

        # Move an English sentence down and back up.
        before = page.locator("#b3 td").nth(2).inner_text()
        press("#b3", "]")
        check(page.locator("#b3 td").nth(2).inner_text() != before, "] moves the English sentence to the next bead")
        press("#b4", "[")
        check(page.locator("#b3 td").nth(2).inner_text() == before, "[ moves it back")

        # Edit a bead's English, then confirm it.
        page.locator("#b2").focus(); page.keyboard.press("e")
        page.locator("#b2 textarea[name=target]").fill("An edited English sentence for the review test.")
        click("#b2 button[value=edit]")
        check("An edited English sentence" in page.locator("#b2").inner_text(), "an edit is saved")
        press("#b2", "c")

        # The review is saved: a new page load shows the same states.
        page.goto(page.url.split("#")[0])
        check(state(0) == "confirmed" and state(2) == "confirmed", "progress survives a reload")

        # Storing without a key stores nothing; with the key, the confirmed beads go in.
        click("#store button")
        check("Nothing stored" in page.locator(".message").inner_text(), "storing without a key is refused")
        page.fill("#key", key)
        click("#store button")
        check("Stored 3 confirmed beads" in page.locator(".message").inner_text(), "the confirmed beads are stored")
        check(state(0) == "stored", "stored beads are marked")
        page.screenshot(path=os.path.join(shots, "review-stored.png"), full_page=True)

        exported = run("export", "--format", "tmx")
        check(exported.count("wire/putin-xi") >= 3, "the memory holds the reviewed units with the review's origin")
        check("An edited English sentence for the review test." in exported, "the edited translation is in the memory")

        # Units page: filter by origin, correct a target with the key (kept in sessionStorage).
        page.goto(base + "/units?origin=" + urllib.parse.quote("wire/*"))
        rows = page.locator("tbody tr")
        check(rows.count() == 3, f"the units page filters by origin ({rows.count()} units)")
        unit_id = rows.first.locator("td").first.inner_text().strip()
        check(page.input_value("#key") == key, "the key typed once is remembered in the tab")
        rows.first.locator("textarea").fill("A corrected target from the units page.")
        click("tbody tr button[value=edit]")
        check("Saved unit" in page.locator(".message").inner_text(), "a correction is saved")
        shown = json.loads(run("unit", "show", unit_id, "--json"))
        check(shown["unit"]["target"] == "A corrected target from the units page." and len(shown["history"]) == 1,
              "…and the memory holds it, the earlier target in its history")
        page.screenshot(path=os.path.join(shots, "units.png"), full_page=True)

        # Pre-translation report of a pasted article.
        page.goto(base + "/pretranslate")
        page.fill("#article1", open(os.path.join(root, "Samples/new-articles/xi-visit.txt"), encoding="utf-8").read())
        click("text=Pre-translate and show the report")
        check("Batch (1 articles" in page.content(), "the pre-translation report is served")
        page.screenshot(path=os.path.join(shots, "report.png"), full_page=True)
        browser.close()
finally:
    server.terminate()
    server.wait(timeout=10)
print(f"browser test: {checks} checks passed")
