#!/usr/bin/env python3
"""Builds the HELD-OUT PII evaluation split (pii-test.jsonl).

Every text below was written by hand for Sluice. Values are well-known documentation or test
values (payment networks' published test card numbers, the IBAN registry's example IBANs,
reserved documentation IP ranges, Ofcom/NANP fictional ranges where they exist) or made-up values
in the right format; none belongs to a real person. Each row lists the entities a human reader
would mark. This split was written and committed before any detector existed and is not used to
tune them (rules are developed against pii-dev.jsonl).
Licence: CC0-1.0 (public domain dedication).

Run: python3 tools/guard-data/pii_test.py > src/main/resources/dev/sluice/guard/eval/pii-test.jsonl
"""
import json

rows = []


def add(text, *entities):
    ents = []
    for typ, value in entities:
        assert value in text, (value, text)
        ents.append({"type": typ, "value": value})
    rows.append({"text": text, "entities": ents})


E, P, C, I, S, IP = "email", "phone", "credit_card", "iban", "us_ssn", "ip_address"

# ---- emails ----------------------------------------------------------------------------------
add("Please send the signed contract to jana.novak@firma-beispiel.de before Monday.", (E, "jana.novak@firma-beispiel.de"))
add("Contact: Oliver Grant <oliver.grant+billing@example.co.uk>", (E, "oliver.grant+billing@example.co.uk"))
add("my email is tomas_r77@mailbox.example.org, write me anytime", (E, "tomas_r77@mailbox.example.org"))
add("CC: A.Lopez@Sub.Department.Example.com and the rest of the team", (E, "A.Lopez@Sub.Department.Example.com"))
add("Forward the logs to ops-alerts@infra.example.io.", (E, "ops-alerts@infra.example.io"))
add("Reach me at priya.s@university.example.edu or on Slack.", (E, "priya.s@university.example.edu"))
add("User feedback from k.yamamoto@example.jp: the app is slow on startup.", (E, "k.yamamoto@example.jp"))
add("Reset link was sent to 'm.oconnor@example.ie' at 10:42.", (E, "m.oconnor@example.ie"))
add("Lead: Fatima Zahra (fatima.zahra1990@example.ma), interested in the premium plan.", (E, "fatima.zahra1990@example.ma"))
add("Subscribe newsletter@shop.example.com to the mailing list.", (E, "newsletter@shop.example.com"))
add("Her address on file is LUCIA.FERRARI@EXAMPLE.IT.", (E, "LUCIA.FERRARI@EXAMPLE.IT"))
add("Invoices go to accounts.payable@acme-corp.example.net; questions to support@acme-corp.example.net.", (E, "accounts.payable@acme-corp.example.net"), (E, "support@acme-corp.example.net"))
add("Send the draft to d.mueller@example.ch and copy me.", (E, "d.mueller@example.ch"))
add("The suspicious sender was no-reply@secure-bank-login.example.xyz.", (E, "no-reply@secure-bank-login.example.xyz"))
add("Patient contact email: robert.k.evans@healthmail.example.com", (E, "robert.k.evans@healthmail.example.com"))
add("you can email chen.wei@example.cn for the dataset", (E, "chen.wei@example.cn"))
add("Mailto: info@bakery-example.fr", (E, "info@bakery-example.fr"))
add("Please add sven.andersson@example.se to the calendar invite.", (E, "sven.andersson@example.se"))
add("The recruiter (hr.recruiting@talent.example.com) asked for my CV.", (E, "hr.recruiting@talent.example.com"))
add("email:jp.dubois@example.be", (E, "jp.dubois@example.be"))
add("Ping 42dev@example.dev if the build breaks.", (E, "42dev@example.dev"))
add("Guest list: anna@example.org, ben@example.org.", (E, "anna@example.org"), (E, "ben@example.org"))
add("Write to the editor, letters@newspaper.example.com, with your opinion.", (E, "letters@newspaper.example.com"))
add("My work email changed to n.ivanova@newcompany.example.ru last week.", (E, "n.ivanova@newcompany.example.ru"))
add("Login: carlos.mendez.garcia@example.mx / password reset requested", (E, "carlos.mendez.garcia@example.mx"))

# ---- phone numbers -------------------------------------------------------------------------
add("Call me on (415) 867-5309 after six.", (P, "(415) 867-5309"))
add("Office line: +1 212-736-5000, ask for the front desk.", (P, "+1 212-736-5000"))
add("You can reach our London office on +44 20 7946 0958.", (P, "+44 20 7946 0958"))
add("Text me at 07700 900461 when you arrive.", (P, "07700 900461"))
add("Berlin: Tel. +49 30 901820, Mo-Fr 9-17 Uhr.", (P, "+49 30 901820"))
add("Rufen Sie mich an unter 030 23125 4000.", (P, "030 23125 4000"))
add("Le numéro du cabinet est le +33 1 42 68 53 00.", (P, "+33 1 42 68 53 00"))
add("Mon portable : 06 12 34 56 78", (P, "06 12 34 56 78"))
add("Customer phone: +91 98765 43210 (WhatsApp preferred)", (P, "+91 98765 43210"))
add("Sydney office +61 2 9374 4000", (P, "+61 2 9374 4000"))
add("Tokyo branch: +81 3-3224-9999", (P, "+81 3-3224-9999"))
add("São Paulo: +55 11 91234-5678", (P, "+55 11 91234-5678"))
add("Emergency contact: 312.555.7788 (cell)", (P, "312.555.7788"))
add("phone 650-253-0000", (P, "650-253-0000"))
add("Please dial +1 (646) 555-3890 ext. 12 for billing.", (P, "+1 (646) 555-3890"))
add("Our Madrid team: +34 912 34 56 78.", (P, "+34 912 34 56 78"))
add("Numero di telefono: +39 06 6982 1234", (P, "+39 06 6982 1234"))
add("Bel ons op +31 20 794 0000.", (P, "+31 20 794 0000"))
add("Mobile: +44 7911 123456", (P, "+44 7911 123456"))
add("tel: +1-617-253-1000", (P, "+1-617-253-1000"))
add("If the line is busy try 202-456-1414.", (P, "202-456-1414"))
add("Zürich: +41 44 668 18 00", (P, "+41 44 668 18 00"))
add("Contact the landlord at 0161 496 0000 about the repairs.", (P, "0161 496 0000"))
add("Mobile number for delivery updates: +353 85 123 4567", (P, "+353 85 123 4567"))
add("Call the clinic: (303) 499-7111 or email us.", (P, "(303) 499-7111"))

# ---- credit cards --------------------------------------------------------------------------
add("Charge it to my Visa 4111 1111 1111 1111, expiry 09/27.", (C, "4111 1111 1111 1111"))
add("card number: 5555555555554444", (C, "5555555555554444"))
add("Amex 3782 822463 10005 on file for the hotel.", (C, "3782 822463 10005"))
add("Please refund to 6011-1111-1111-1117.", (C, "6011-1111-1111-1117"))
add("Test payment with 4242424242424242 failed with code 51.", (C, "4242424242424242"))
add("My Mastercard is 5105 1051 0510 5100 and CVV 123.", (C, "5105 1051 0510 5100"))
add("The new card ends ... actually the full number is 2223 0031 2200 3222.", (C, "2223 0031 2200 3222"))
add("JCB: 3530 1113 3330 0000", (C, "3530 1113 3330 0000"))
add("Diners Club 3056 9309 0259 04, exp 11/26", (C, "3056 9309 0259 04"))
add("Use card 4012 8888 8888 1881 for the deposit.", (C, "4012 8888 8888 1881"))
add("Customer paid with 371449635398431.", (C, "371449635398431"))
add("Discover card 6011 0009 9013 9424 was declined.", (C, "6011 0009 9013 9424"))
add("UnionPay 6200 0000 0000 0005 accepted.", (C, "6200 0000 0000 0005"))
add("cc: 4000-0566-5566-5556 exp 03/28", (C, "4000-0566-5566-5556"))
add("Billing card 5200 8282 8282 8210 (debit).", (C, "5200 8282 8282 8210"))
add("Company card 4000 0025 0000 3155 for travel.", (C, "4000 0025 0000 3155"))
add("Pay with 5425233430109903 please", (C, "5425233430109903"))
add("Card: 4917 4845 8989 7107, name on card J. Doe", (C, "4917 4845 8989 7107"))
add("The fraudulent charge was on 4263 9826 4026 9299.", (C, "4263 9826 4026 9299"))
add("I typed 2222 4000 7000 0005 into the checkout form.", (C, "2222 4000 7000 0005"))
add("Amex Corporate 3714 496353 98431", (C, "3714 496353 98431"))
add("Visa Electron 4917300800000000", (C, "4917300800000000"))
add("card#5454 5454 5454 5454", (C, "5454 5454 5454 5454"))
add("Maestro card 6759 6498 2643 8453", (C, "6759 6498 2643 8453"))
add("Please update the card to 4000 0000 0000 0077.", (C, "4000 0000 0000 0077"))

# ---- IBANs ---------------------------------------------------------------------------------
add("Bitte überweisen Sie auf DE89 3704 0044 0532 0130 00.", (I, "DE89 3704 0044 0532 0130 00"))
add("Pay the invoice to GB29 NWBK 6016 1331 9268 19.", (I, "GB29 NWBK 6016 1331 9268 19"))
add("IBAN : FR14 2004 1010 0505 0001 3M02 606", (I, "FR14 2004 1010 0505 0001 3M02 606"))
add("Cuenta: ES9121000418450200051332", (I, "ES9121000418450200051332"))
add("Bonifico su IT60 X054 2811 1010 0000 0123 456", (I, "IT60 X054 2811 1010 0000 0123 456"))
add("Rekeningnummer NL91ABNA0417164300", (I, "NL91ABNA0417164300"))
add("Compte: BE68 5390 0754 7034", (I, "BE68 5390 0754 7034"))
add("Salary account CH93 0076 2011 6238 5295 7", (I, "CH93 0076 2011 6238 5295 7"))
add("Kontonummer AT61 1904 3002 3457 3201", (I, "AT61 1904 3002 3457 3201"))
add("Przelew na PL61 1090 1014 0000 0712 1981 2874", (I, "PL61 1090 1014 0000 0712 1981 2874"))
add("Konto SE45 5000 0000 0583 9825 7466", (I, "SE45 5000 0000 0583 9825 7466"))
add("Norwegian account NO9386011117947", (I, "NO9386011117947"))
add("Danish IBAN DK50 0040 0440 1162 43", (I, "DK50 0040 0440 1162 43"))
add("Tili FI21 1234 5600 0007 85", (I, "FI21 1234 5600 0007 85"))
add("Send the deposit to IE29 AIBK 9311 5212 3456 78 by Friday.", (I, "IE29 AIBK 9311 5212 3456 78"))
add("NIB/IBAN: PT50 0002 0123 1234 5678 9015 4", (I, "PT50 0002 0123 1234 5678 9015 4"))
add("the refund goes to de89370400440532013000 (lowercase, sorry)", (I, "de89370400440532013000"))
add("Luxembourg: LU28 0019 4006 4475 0000", (I, "LU28 0019 4006 4475 0000"))
add("Czech account CZ65 0800 0000 1920 0014 5399", (I, "CZ65 0800 0000 1920 0014 5399"))
add("Hungarian IBAN HU42 1177 3016 1111 1018 0000 0000", (I, "HU42 1177 3016 1111 1018 0000 0000"))
add("Please wire EUR to GR16 0110 1250 0000 0001 2300 695.", (I, "GR16 0110 1250 0000 0001 2300 695"))
add("Konto: HR12 1001 0051 8630 0016 0", (I, "HR12 1001 0051 8630 0016 0"))
add("Account RO49 AAAA 1B31 0075 9384 0000", (I, "RO49 AAAA 1B31 0075 9384 0000"))
add("IBAN SK31 1200 0000 1987 4263 7541 for the rent", (I, "SK31 1200 0000 1987 4263 7541"))
add("Supplier bank details: EE38 2200 2210 2014 5685", (I, "EE38 2200 2210 2014 5685"))

# ---- US SSNs -------------------------------------------------------------------------------
add("SSN: 536-22-1947", (S, "536-22-1947"))
add("My social security number is 219-09-9999.", (S, "219-09-9999"))
add("Applicant SSN 078-05-1120 needs verification.", (S, "078-05-1120"))
add("social security no. 401 56 8842", (S, "401 56 8842"))
add("Employee record: name Dana White, SSN 622-19-4410, start date 2021-03-01.", (S, "622-19-4410"))
add("ssn=287654321", (S, "287654321"))
add("Her SSN is 345-67-8901 according to the form.", (S, "345-67-8901"))
add("Tax form W-2, employee's social security number: 512-44-7023", (S, "512-44-7023"))
add("Please verify SSN 123-45-6780 for the loan.", (S, "123-45-6780"))
add("SS#: 701-22-3344", (S, "701-22-3344"))
add("Social Security Number 458-12-3390 (spouse)", (S, "458-12-3390"))
add("I think my ssn 231-70-4455 was leaked in the breach.", (S, "231-70-4455"))
add("SSN on the application: 610-55-1234", (S, "610-55-1234"))
add("Provide the last four? No, the full SSN is 389-21-7765.", (S, "389-21-7765"))
add("Dependent's social security number: 050-88-1203", (S, "050-88-1203"))
add("SSN 547 82 1190 verified by the bank", (S, "547 82 1190"))
add("The SSN field says 165-43-2109.", (S, "165-43-2109"))
add("Form I-9 lists SSN 734-10-5566.", (S, "734-10-5566"))
add("Member SSN: 299-31-0472, plan B", (S, "299-31-0472"))
add("taxpayer ssn 418-63-9021", (S, "418-63-9021"))

# ---- IP addresses --------------------------------------------------------------------------
add("The server at 192.168.1.24 stopped responding.", (IP, "192.168.1.24"))
add("Blocked requests from 203.0.113.45 after 20 failed logins.", (IP, "203.0.113.45"))
add("ssh admin@10.0.0.5 -p 2222", (IP, "10.0.0.5"))
add("Whitelist 198.51.100.7 and 198.51.100.8 in the firewall.", (IP, "198.51.100.7"), (IP, "198.51.100.8"))
add("IPv6 address: 2001:db8::ff00:42:8329", (IP, "2001:db8::ff00:42:8329"))
add("The link-local address is fe80::1ff:fe23:4567:890a on eth0.", (IP, "fe80::1ff:fe23:4567:890a"))
add("client_ip=172.16.254.1 status=403", (IP, "172.16.254.1"))
add("DNS set to 8.8.8.8 and 1.1.1.1", (IP, "8.8.8.8"), (IP, "1.1.1.1"))
add("Login from 2001:0db8:85a3:0000:0000:8a2e:0370:7334 looked suspicious.", (IP, "2001:0db8:85a3:0000:0000:8a2e:0370:7334"))
add("My home IP is 81.2.69.160, can you check if it is blacklisted?", (IP, "81.2.69.160"))
add("Connect to the database on 10.20.30.40:5432.", (IP, "10.20.30.40"))
add("Traceroute hop 7: 62.115.14.117", (IP, "62.115.14.117"))
add("curl http://127.0.0.1:8080/health returns 503", (IP, "127.0.0.1"))
add("The camera has address 192.0.2.33 on the LAN.", (IP, "192.0.2.33"))
add("Ban ::ffff:203.0.113.9 from the forum.", (IP, "::ffff:203.0.113.9"))
add("Gateway 100.64.0.1, netmask 255.255.255.0", (IP, "100.64.0.1"), (IP, "255.255.255.0"))
add("Visitor IP: 93.184.216.34 (Los Angeles)", (IP, "93.184.216.34"))
add("Router admin page at 192.168.0.1", (IP, "192.168.0.1"))
add("Allow 2606:4700:4700::1111 through the proxy", (IP, "2606:4700:4700::1111"))
add("Failed login for user bob from 185.199.108.153", (IP, "185.199.108.153"))

# ---- mixed ---------------------------------------------------------------------------------
add("Name: Ana Silva, email ana.silva@example.pt, phone +351 912 345 678, IBAN PT50 0002 0123 1234 5678 9015 4.",
    (E, "ana.silva@example.pt"), (P, "+351 912 345 678"), (I, "PT50 0002 0123 1234 5678 9015 4"))
add("Applicant: John Reed, SSN 529-33-1842, card 4111111111111111, email jreed@example.com",
    (S, "529-33-1842"), (C, "4111111111111111"), (E, "jreed@example.com"))
add("Logged in from 203.0.113.77 as mark.t@example.net", (IP, "203.0.113.77"), (E, "mark.t@example.net"))

# ---- negatives: no PII, including look-alikes ------------------------------------------------
for t in [
    "The meeting is on 2024-05-12 at 14:30 in room 4.",
    "Order number 4839201 has shipped; tracking 1Z999AA10123456784.",
    "Upgrade to version 2.4.1 before the end of the month.",
    "ISBN 978-0-306-40615-7 is the second edition.",
    "The total came to $1,299.00 including tax.",
    "Our office is at 221B Baker Street, London NW1 6XE.",
    "Please reference invoice INV-2023-00981 in the payment.",
    "The random seed was 1234567890 for that run.",
    "Card ending in 4242 was charged.",
    "Use the test number 1234 5678 9012 3456 to see the validation error.",
    "Our account number format is XX00 0000 0000 (internal use).",
    "Follow @sluice_dev for updates and use #llmops.",
    "In Java, annotate the method with @Override.",
    "The image is saved as logo@2x.png in the assets folder.",
    "Serial number 000-12-3456 is a placeholder, not a real SSN.",
    "The part number is 666-45-1234 in the old catalogue.",
    "Ticket 900-12-3456 was closed yesterday.",
    "Room code 123-00-4567 for the conference.",
    "Version 10.0.19045 of Windows is installed.",
    "MAC address 00:1A:2B:3C:4D:5E belongs to the printer.",
    "The invalid address 256.300.1.1 was rejected by the parser.",
    "Coordinates: 48.8584, 2.2945 (Eiffel Tower).",
    "Timestamps like 12:30:45 are in UTC.",
    "The ratio was 3:2:1 in the final mix.",
    "Population grew from 1,234,567 to 1,456,789 in ten years.",
    "Call the function f(2, 3) and print the result.",
    "Her student ID is S-20231145.",
    "The flight LH 400 departs at 13:05 from gate B42.",
    "Bank code (BIC) DEUTDEFF is used for international transfers.",
    "The IBAN format starts with a two-letter country code and two check digits.",
    "Compute 4111 + 1111 and tell me the sum.",
    "The product SKU is 4006381333931.",
    "Temperature readings: 21.5, 22.1, 22.8, 23.0.",
    "Postal code 10115 is in Berlin Mitte.",
    "The hash is 5d41402abc4b2a76b9719d911017c592.",
    "Build 2024.05.12.3 passed all tests.",
    "The lottery numbers were 4 8 15 16 23 42.",
    "My favourite number is 3.14159265358979.",
    "The law was passed in 1998 and amended in 2004.",
    "Send an email to the support team through the contact form.",
    "What is a good way to validate phone numbers in JavaScript?",
    "Explain how IBAN checksums are computed.",
    "How do credit card companies detect fraud?",
    "The speed limit is 130 km/h on German motorways without signs.",
    "Recipe yields 12 servings; bake at 180 C for 45 minutes.",
    "The chart shows 45% growth in Q3 and 12% in Q4.",
    "User story US-1042: as a user I want to reset my password.",
    "The error code 0x80070005 means access denied.",
    "Train 9876 leaves platform 3 at 08:15.",
    "Match score was 2-1 after extra time.",
    "The GPS device logged 1,204 points over 12.5 km.",
    "The UUID is 123e4567-e89b-12d3-a456-426614174000.",
    "Set max_connections to 200 and shared_buffers to 4GB.",
    "Page 123 of 456 is missing from the scan.",
    "The year range 1990-2020 covers three decades.",
    "A phone number has at most 15 digits under E.164.",
    "Our fax line was discontinued in 2015.",
    "The street number is 1600 and the ZIP is 94043.",
    "Dosage: 500 mg twice daily for 7 days.",
    "Apartment 4B, floor 12, building 7.",
    "The cluster has 3 nodes with 64 GB RAM each.",
    "Reference: RFC 5952 describes IPv6 text representation.",
    "Exchange rate 1 EUR = 1.0842 USD today.",
    "Enter the verification code 482913 within 10 minutes.",
    "Model number: XPS-9310-2021",
    "The tournament had 128 players in round 1.",
    "Blood pressure reading was 120/80.",
    "Our Q2 revenue: 12,345,678 EUR.",
    "Employee count grew to 1,542 this year.",
    "The file size is 4,294,967,296 bytes.",
    "Use localhost for local development.",
    "The conference hashtag is #DevConf2024.",
    "Dial the extension 4821 from any internal phone.",
    "The algorithm runs in O(n log n) time.",
    "This road is 12.34.56 km from the border? No, it's 12.3 km.",
    "Lot number 20240512-A7 was recalled.",
    "Chapter 3.2.1 covers the installation steps.",
    "The invalid card 4111 1111 1111 1112 fails the Luhn check.",
    "An IBAN with a bad checksum like DE00 3704 0044 0532 0130 00 must be rejected.",
    "Item weight 2.5 kg, dimensions 30 x 20 x 10 cm.",
]:
    add(t)

for r in rows:
    print(json.dumps(r, ensure_ascii=False))
