"""Load test users: each browses the portal and answers its own invitation again and again.

Configured through the JSON file in BENCH_LOAD_CONFIG; writes every acknowledged answer to
BENCH_LOAD_LOG so the benchmark can check that none was lost or recorded twice.
"""

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, events, task

CONFIG = json.loads(open(os.environ["BENCH_LOAD_CONFIG"], encoding="utf-8").read())  # noqa: SIM115
PEOPLE = itertools.cycle(CONFIG["people"])
ACKNOWLEDGED = []
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RESPONSES = ["accepted", "declined", "tentative"]


class Representative(HttpUser):
    # People read a page before the next click: one to three seconds.
    wait_time = between(1, 3)

    def on_start(self):
        self.person = next(PEOPLE)
        name, value = self.person["cookie"].split(";")[0].split("=", 1)
        self.client.cookies.set(name, value)
        self.client.cookies.set("django_language", "de")

    @task(3)
    def browse(self):
        url = random.choice(CONFIG["pages"])  # noqa: S311
        self.client.get(url, name=url.split("?")[0])

    @task(1)
    def respond(self):
        page = self.client.get(self.person["form_url"], name="respond form")
        match = CSRF.search(page.text)
        if not match:
            page.failure("no CSRF token on the response form")
            return
        answer = random.choice(RESPONSES)  # noqa: S311
        with self.client.post(
            self.person["respond_url"],
            data={"csrfmiddlewaretoken": match.group(1), "response": answer},
            headers={"Referer": self.host + self.person["form_url"]},
            name="respond",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code in (200, 302, 303):
                ACKNOWLEDGED.append([self.person["invitation"], answer])
                response.success()
            else:
                response.failure(f"status {response.status_code}")


@events.test_stop.add_listener
def write_log(environment, **kwargs):
    with open(os.environ["BENCH_LOAD_LOG"], "w", encoding="utf-8") as handle:
        json.dump(ACKNOWLEDGED, handle)
