"""`briefgen serve`: the preview page over HTTP, and driven in a real browser (headless Chromium)."""
from __future__ import annotations

import shutil
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from briefgen.serve import make_server, watch
from helpers import run_cli
from briefgen.units import unbound

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "example-city.xlsx"
CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")


@pytest.fixture
def overlay(tmp_path, capsys) -> Path:
    """Example City (made-up figures) imported from the sample spreadsheet."""
    folder = tmp_path / "my-city"
    code, _, err = run_cli(capsys, "import", EXAMPLE, "-r", "example-city", "--name-zh", "示例市",
                           "--name-en", "Example City", "--parent", "jiangsu", "-o", folder)
    assert code == 0, err
    # English names for the figures, so the English brief shows them (one language would load too).
    csv = folder / "indicators.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace(
        ",example-city,,跨境电商进出口额,", ",example-city,Cross-border e-commerce trade,跨境电商进出口额,"),
        encoding="utf-8")
    return folder


@pytest.fixture
def server(overlay):
    httpd, preview = make_server(None, [str(overlay)])
    stop = threading.Event()
    threads = [threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True),
               threading.Thread(target=watch, args=(preview, stop, 0.2), daemon=True)]
    for t in threads:
        t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", preview
    stop.set()
    httpd.shutdown()
    httpd.server_close()


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def edit_cell(overlay: Path, old: str, new: str) -> None:
    csv = overlay / "indicators.csv"
    text = csv.read_text(encoding="utf-8")
    assert old in text
    csv.write_text(text.replace(old, new, 1), encoding="utf-8")


def wait_for(condition, seconds: float = 30.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting")


def test_page_brief_downloads_and_problems_over_http(server, overlay):
    url, preview = server
    assert url.startswith("http://127.0.0.1:")
    status, _, body = get(f"{url}/")
    assert status == 200 and "Pick a region" in body.decode()
    query = "region=example-city&lang=zh&audience=industry&length=short"
    status, _, body = get(f"{url}/?{query}")
    assert status == 200 and 'id="brief"' in body.decode() and 'id="download-pdf"' in body.decode()
    status, ctype, body = get(f"{url}/brief?{query}")
    assert status == 200 and "text/html" in ctype and "7.1亿元" in unbound(body.decode())
    assert get(f"{url}/download?format=pdf&{query}")[2].startswith(b"%PDF")
    assert get(f"{url}/download?format=docx&{query}")[2].startswith(b"PK")
    version = preview.version
    edit_cell(overlay, ",7.1,", ",7.1x,")
    wait_for(lambda: preview.version > version)
    status, _, body = get(f"{url}/?{query}")
    page = body.decode()
    assert 'id="problems"' in page and "&#x27;7.1x&#x27; is not a number" in page and 'id="brief"' not in page
    edit_cell(overlay, ",7.1x,", ",7.3,")
    wait_for(lambda: "7.3亿元" in unbound(get(f"{url}/brief?{query}")[2].decode()))


@pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="Debian's chromium and chromium-driver are not "
                    "installed (.ci/run installs them where it can)")
def test_in_a_browser_pick_a_region_read_the_brief_and_see_it_update(server, overlay):
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    url, _ = server
    profile = tempfile.mkdtemp(prefix="briefgen-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        wait = WebDriverWait(browser, 60, poll_frequency=0.2)
        browser.get(url + "/")
        assert "Pick a region" in browser.find_element(By.ID, "status").text
        Select(browser.find_element(By.ID, "region")).select_by_visible_text("示例市 Example City")

        def brief_text() -> str:
            """What the reader sees in the brief's frame ("" while it is not there)."""
            try:
                browser.switch_to.default_content()
                frame = browser.find_element(By.ID, "brief")
                browser.switch_to.frame(frame)
                return unbound(browser.find_element(By.TAG_NAME, "body").text)
            except Exception:  # the page is reloading between the two look-ups
                return ""
            finally:
                browser.switch_to.default_content()

        text = wait.until(lambda _: brief_text() if "RMB 710 million" in brief_text() else False)
        assert "Example City" in text
        assert "示例市商务局《2024年跨境电商发展统计公报》（示例数据）" in text  # the figure's source
        assert browser.find_element(By.ID, "download-pdf").get_attribute("href").startswith(url + "/download?")

        edit_cell(overlay, ",7.1,", ",7.3,")  # the analyst corrects a cell
        wait.until(lambda _: "RMB 730 million" in brief_text())

        edit_cell(overlay, ",7.3,", ",13.5亿,")  # ... and mistypes it
        problems = wait.until(lambda _: browser.find_elements(By.ID, "problems"))
        assert "'13.5亿' is not a number" in problems[0].text
        assert not browser.find_elements(By.ID, "brief")
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)
