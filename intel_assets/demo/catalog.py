"""The fixed vocabulary of the demo company: plans, product events, industries, channels.

These names are shared by the world model, the exporters and the planted patterns; the
pipeline never imports this module, it learns the same facts from the exported data.
"""

from __future__ import annotations

from datetime import date

START = date(2025, 6, 1)
END = date(2026, 12, 1)  # exclusive; the demo's "today" is the last day before it
DAY = 86_400

PLANS = ("starter", "team", "business")
ONE_PERSON_PLANS = ("starter", "team")  # the business plan is for teams
SEAT_PRICE_CENTS = {"starter": 1_200, "team": 2_900, "business": 5_900}

# Neutral product event names; each product tool spells them its own way.
SESSION = "session_started"
SIGNUP = "signed_up"
PAGE_VIEW = "page_viewed"
FEATURES = (
    "report_created",
    "dashboard_shared",
    "integration_connected",
    "data_exported",
)
INVITE = "teammate_invited"

# Adoption of each feature: logit intercept and slope on latent engagement.
FEATURE_ADOPTION = {
    "report_created": (1.2, 1.0),
    "dashboard_shared": (-0.2, 0.9),
    "integration_connected": (-0.4, 0.8),
    "data_exported": (0.1, 0.7),
}
# Weekly event rate per active person for an adopted feature (sessions for everyone).
WEEKLY_RATE = {
    SESSION: 0.9,
    "report_created": 0.35,
    "dashboard_shared": 0.12,
    "integration_connected": 0.02,
    "data_exported": 0.15,
}

INDUSTRIES = (
    "Software", "Retail", "Healthcare", "Financial Services", "Education",
    "Manufacturing", "Media", "Logistics",
)
COUNTRIES = {  # country: region
    "US": "NA", "CA": "NA", "GB": "EMEA", "DE": "EMEA", "FR": "EMEA", "NL": "EMEA",
    "AU": "APAC", "SG": "APAC", "IN": "APAC", "BR": "LATAM", "MX": "LATAM",
}
COUNTRY_WEIGHTS = (0.38, 0.06, 0.12, 0.09, 0.05, 0.04, 0.06, 0.03, 0.06, 0.07, 0.04)

PAID_CHANNELS = ("google_ads", "meta_ads", "linkedin_ads")
UNPAID_CHANNELS = ("organic_search", "direct", "referral")
UNPAID_SHARES = {"organic_search": 0.22, "direct": 0.12, "referral": 0.08}
PAID_SHARE = 0.58
CAMPAIGN_NAMES = {
    "google_ads": ("Brand - US", "Generic - Analytics", "Competitor Terms", "Remarketing",
                   "Generic - Dashboards"),
    "meta_ads": ("Lookalike - SaaS Founders", "Retargeting - Visitors", "Interest - Ops",
                 "Video - Product Tour"),
    "linkedin_ads": ("ABM - Mid-Market", "Job Title - Ops Leaders", "Sponsored Content - Guide",
                     "Conversation Ads - Demo"),
}
BASE_CPA = {"google_ads": 190.0, "meta_ads": 130.0, "linkedin_ads": 340.0}
CLICK_ID = {"google_ads": "gclid", "meta_ads": "fbclid", "linkedin_ads": "li_fat_id"}
UTM_SOURCE = {
    "google_ads": "google", "meta_ads": "facebook", "linkedin_ads": "linkedin",
    "organic_search": None, "direct": None, "referral": None,
}

TICKET_CATEGORIES = ("how_to", "bug", "billing", "onboarding", "feature_request")
TICKET_SUBJECTS = {
    "how_to": ("How do I filter a report?", "Sharing a dashboard with a client",
               "Where are saved views?"),
    "bug": ("Chart not loading", "Export fails with an error", "Sync stuck since yesterday"),
    "billing": ("Wrong seat count on invoice", "Update billing address", "Refund request"),
    "onboarding": ("Help setting up our workspace", "Importing our data", "SSO setup"),
    "feature_request": ("Dark mode?", "API rate limits", "More chart types"),
}

NEWSLETTER_DAYS = 28
ONBOARDING_EMAILS = ((0, "Welcome aboard"), (2, "Connect your first integration"),
                     (5, "Build your first report"))
ROLE_LOCAL_PARTS = ("team", "info", "support", "admin", "office", "hello")
FREE_MAIL = ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com")

FIRST_NAMES = (
    "Dana", "Sam", "Alex", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery",
    "Quinn", "Parker", "Rowan", "Skyler", "Emerson", "Hayden", "Kai", "Logan", "Reese", "Sage",
    "Maria", "Wei", "Aisha", "Lukas", "Sofia", "Mateo", "Yuki", "Priya", "Omar", "Elena",
    "Noah", "Liam", "Olivia", "Emma", "Ava", "Mia", "Lucas", "Ethan", "Chloe", "Zoe",
)
LAST_NAMES = (
    "Ortiz", "Lee", "Kim", "Patel", "Nguyen", "Garcia", "Smith", "Johnson", "Brown", "Müller",
    "Rossi", "Dubois", "Tanaka", "Silva", "Khan", "Novak", "Jensen", "Cohen", "Murphy", "Okafor",
    "Schmidt", "Lopez", "Wilson", "Martin", "Chen", "Singh", "Ivanova", "Haddad", "Kowalski",
    "Andersen",
)
COMPANY_WORDS = (
    "north", "wind", "blue", "river", "peak", "stone", "bright", "cloud", "harbor", "pine",
    "iron", "cedar", "lumen", "vector", "orbit", "maple", "atlas", "nova", "summit", "delta",
    "echo", "fable", "granite", "hollow", "indigo", "juniper", "kestrel", "lattice", "meadow",
    "nimbus",
)
COMPANY_SUFFIXES = ("labs", "works", "systems", "group", "co", "digital", "partners", "analytics")
