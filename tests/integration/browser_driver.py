"""A scripted person in a real browser: ``python browser_driver.py URL``.

httpx_auth opens the authorization URL with ``webbrowser``; the integration suite points
``BROWSER`` at this script. It starts Debian's headless chromium through chromedriver
(selenium), signs in on the test server's login page, approves the consent page, and lets
the redirect reach httpx_auth's local server (where the page's own script hands a URL
fragment back for implicit grants). On the device pages (RFC 8628) it enters the user
code from ``ITEST_USER_CODE`` when the page has none, and accepts (or, with
``ITEST_DEVICE_DECISION=deny``, denies) the device. Logs and a final screenshot go to
``ITEST_BROWSER_LOG_DIR``; the PID file there lets the test kill us if we hang.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEADLINE = float(os.environ.get("ITEST_BROWSER_DEADLINE", "45"))


def main(url: str) -> int:
    log_dir = Path(os.environ.get("ITEST_BROWSER_LOG_DIR") or tempfile.mkdtemp(prefix="itest-browser-"))
    tag = f"driver-{os.getpid()}"
    pid_file = log_dir / f"{tag}.pid"
    pid_file.write_text(str(os.getpid()))
    log = open(log_dir / f"{tag}.log", "a", buffering=1)

    def say(message: str) -> None:
        log.write(f"{time.strftime('%H:%M:%S')} {message}\n")

    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="itest-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    service = Service(executable_path="/usr/bin/chromedriver", log_output=str(log_dir / f"{tag}.chromedriver.txt"))

    server = urlsplit(url).netloc
    say(f"opening authorization URL on {server} (path {urlsplit(url).path})")
    driver = webdriver.Chrome(options=options, service=service)
    outcome = 1
    try:
        driver.set_page_load_timeout(20)
        driver.get(url)
        signed_in = approved = False
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            try:
                current = urlsplit(driver.current_url)
            except WebDriverException:
                say("window closed by the page")
                outcome = 0
                break
            if current.netloc != server and current.scheme in {"http", "https"}:
                # The redirect reached httpx_auth's local server: let its page finish (for an
                # implicit grant, its script sends the fragment back), then leave.
                if driver.execute_script("return document.readyState") == "complete":
                    time.sleep(1.0)
                    try:
                        say(f"redirect page {current.netloc}{current.path}: {driver.title!r}")
                        driver.save_screenshot(str(log_dir / f"{tag}.png"))
                    except WebDriverException:
                        pass
                    outcome = 0
                    break
            elif current.path.startswith("/accounts/login") and not signed_in:
                driver.find_element(By.ID, "id_username").send_keys(os.environ["ITEST_BROWSER_USER"])
                driver.find_element(By.ID, "id_password").send_keys(os.environ["ITEST_BROWSER_PASSWORD"])
                driver.find_element(By.ID, "login-submit").click()
                signed_in = True
                say("signed in")
            elif current.path.startswith("/o/device/") and driver.find_elements(By.ID, "id_user_code"):
                # RFC 8628 §3.3: the user enters the code shown on the device (unless the
                # verification_uri_complete opened here carries it already).
                field = driver.find_element(By.ID, "id_user_code")
                if not field.get_attribute("value"):
                    field.send_keys(os.environ["ITEST_USER_CODE"])
                    say("user code typed")
                driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
                say("user code submitted")
            elif current.path.startswith("/o/device-confirm/") and not approved:
                decision = os.environ.get("ITEST_DEVICE_DECISION", "accept")
                driver.find_element(By.CSS_SELECTOR, f"button[value={decision}]").click()
                approved = True
                say(f"device decision: {decision}")
            elif current.path.startswith("/o/device-grant-status/"):
                say(f"device grant status: {driver.find_element(By.TAG_NAME, 'h1').text!r}")
                outcome = 0
                break
            elif driver.find_elements(By.ID, "authorizationForm") and not approved:
                driver.find_element(By.NAME, "allow").click()
                approved = True
                say("consent approved")
            elif driver.find_elements(By.TAG_NAME, "h2") and "Error" in driver.find_element(By.TAG_NAME, "h2").text:
                say(f"authorization server error page: {driver.find_element(By.TAG_NAME, 'body').text!r}")
                driver.save_screenshot(str(log_dir / f"{tag}.png"))
                break
            time.sleep(0.1)
        else:
            say(f"gave up after {DEADLINE} s on {driver.current_url.split('?')[0]}")
            driver.save_screenshot(str(log_dir / f"{tag}.png"))
    except Exception:
        say(traceback.format_exc())
    finally:
        try:
            driver.quit()
        except Exception:
            pass
        say(f"done (exit {outcome})")
        pid_file.unlink(missing_ok=True)
    return outcome


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
