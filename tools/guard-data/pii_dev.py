#!/usr/bin/env python3
"""Builds the DEV PII split (pii-dev.jsonl): the detectors were written and tuned against it.

Hand-written templates filled with documentation/test values (published test card numbers,
IBAN registry examples, documentation IP ranges, fictional or well-known public phone numbers,
made-up SSNs in valid format) with a fixed seed. None of these texts appear in pii-test.jsonl.
Licence: CC0-1.0 (public domain dedication).

Run: python3 tools/guard-data/pii_dev.py > src/main/resources/dev/sluice/guard/eval/pii-dev.jsonl
"""
import json
import random

rng = random.Random(7)
rows = []


def add(template, typ=None, value=None):
    if typ is None:
        rows.append({"text": template, "entities": []})
        return
    text = template.format(v=value)
    rows.append({"text": text, "entities": [{"type": typ, "value": value}]})


emails = ["maria.rossi@example.com", "j.smith+news@mail.example.org", "dev_team@startup.example.io",
          "KEVIN.O@EXAMPLE.NET", "a.b.c@sub.example.co.uk", "hello@example.dev", "x_y-z@example.museum",
          "lee.min-ho@example.kr", "ops@example.travel", "first.last@example-company.com"]
email_t = ["Send the report to {v}.", "My email: {v}", "Contact {v} for access.", "cc {v} on the thread please",
           "The account {v} was locked.", "Reply-To: <{v}>"]
for v in emails:
    add(rng.choice(email_t), "email", v)
    add(rng.choice(email_t), "email", v)

phones = ["+1 415 555 2671", "(212) 555-0198", "+44 7700 900123", "020 8123 4567", "+49 89 12345678",
          "+33 6 12 34 56 78", "01 23 45 67 89", "+61 3 9123 4567", "+81 90-1234-5678", "+1-800-275-2273",
          "415.555.0134", "+34 600 123 456", "+39 347 123 4567", "0151 23456789", "+353 1 234 5678"]
phone_t = ["Call {v} tomorrow.", "Phone: {v}", "My number is {v}.", "Reach the desk at {v}", "Tel {v} (office)"]
for v in phones:
    add(rng.choice(phone_t), "phone", v)
    add(rng.choice(phone_t), "phone", v)

cards = ["4111111111111111", "4012 8888 8888 1881", "5555-5555-5555-4444", "3782 822463 10005",
         "6011 1111 1111 1117", "3566 0020 2036 0505", "5105105105105100", "4000 0566 5566 5556",
         "3056 9309 0259 04", "2223003122003222", "4242 4242 4242 4242", "6200000000000005"]
card_t = ["Card number {v}, exp 12/27.", "Pay with {v}", "my card is {v} cvv 321", "Charge {v} for the order."]
for v in cards:
    add(rng.choice(card_t), "credit_card", v)
    add(rng.choice(card_t), "credit_card", v)

ibans = ["DE89370400440532013000", "GB82 WEST 1234 5698 7654 32", "FR76 3000 6000 0112 3456 7890 189",
         "NL02ABNA0123456789", "ES79 2100 0813 6101 2345 6789", "IT60X0542811101000000123456",
         "BE71 0961 2345 6769", "AT48 3200 0000 1234 5864", "CH56 0483 5012 3456 7800 9", "SE35 5000 0000 0549 1000 0003",
         "PL27 1140 2004 0000 3002 0135 5387", "NO83 3000 1234 567"]
iban_t = ["IBAN: {v}", "Transfer to {v} please.", "Account {v} (savings)", "Pay into {v} by Friday."]
for v in ibans:
    add(rng.choice(iban_t), "iban", v)
    add(rng.choice(iban_t), "iban", v)

ssns = ["123-45-6789", "219-09-9999", "457-55-5462", "321-54-9876", "078-05-1120", "574-12-3090", "699-18-2233"]
ssn_t = ["SSN: {v}", "social security number {v}", "Employee SSN {v} on file.", "ssn {v}"]
for v in ssns:
    add(rng.choice(ssn_t), "us_ssn", v)
    add(rng.choice(ssn_t), "us_ssn", v)
add("SSN 412 67 8812 (no dashes in the form)", "us_ssn", "412 67 8812")
add("social security: 512238841", "us_ssn", "512238841")

ips = ["192.168.10.5", "10.1.2.3", "203.0.113.200", "198.51.100.23", "8.8.4.4", "2001:db8:0:1::1",
       "fe80::a00:27ff:fe4e:66a1", "::1", "172.31.255.254", "2001:db8:3333:4444:5555:6666:7777:8888"]
ip_t = ["Host {v} is down.", "from ip {v}", "Allowlist {v}", "ping {v} to test"]
for v in ips:
    add(rng.choice(ip_t), "ip_address", v)
    add(rng.choice(ip_t), "ip_address", v)

for t in ["The release is version 3.2.1.", "Order #88213 shipped on 2023-11-02.", "Call me later, ok?",
          "The meeting room is 4.12 on the second floor.", "Use seed 424242 for reproducibility.",
          "Email is the best way to reach us.", "Phone numbers should be stored in E.164.",
          "Card 1111 2222 3333 4444 is not a real card.", "Set timeout to 30000 ms.", "Total: 1,234.56 EUR",
          "Our postcode is SW1A 1AA.", "The answer is 42.", "Product code 978-1-4028-9462-6.",
          "Time 09:45:00 UTC.", "Ratio 16:9 screens.", "Latitude 51.5072, longitude -0.1276.",
          "Invoice 2023-0045-77 paid.", "User @alice liked your post.", "Image saved as icon@3x.png.",
          "SSN format is AAA-GG-SSSS.", "IBAN stands for International Bank Account Number.",
          "Version 1.0.0.0 is the first build.", "The tracking id is 9400111899223344556677.",
          "Build 20231102.1 is ready.", "An IPv6 address has eight groups.", "Score: 3-1.",
          "Call the API with limit=100.", "The zip code 02139 is Cambridge, MA.", "Temperature 36.6 C.",
          "Stock fell 2.35% today.", "Meeting ID: 845 2931 7703", "Part 000-00-0000 is a placeholder.",
          "Room 900-11-2222 is booked.", "My lucky numbers: 7, 13, 21.", "Chapter 12, verse 3.",
          "The model has 175B parameters.", "ISO 8601: 2024-02-29T12:00:00Z.", "Batch 55-1234-A.",
          "Hex color #FF5733.", "Password must be 12+ characters.", "Listen on port 8080.",
          "The MAC is aa:bb:cc:dd:ee:ff.", "An invalid IP like 300.1.2.3 must fail.",
          "Account number not provided.", "Call center hours: 9-5.", "The year 2038 problem.",
          "About 1 234 567 people live there.", "Weight: 72.5 kg", "Speed 299792458 m/s.",
          "Serial SN-4421-XZ"]:
    add(t)

for r in rows:
    print(json.dumps(r, ensure_ascii=False))
