"""A multi-page airline baggage FAQ as a real (Flate-compressed) PDF, for the RAG tests."""

from __future__ import annotations

from respnb.server.pdf import make_pdf

_FILLER = {
    "weights": "Weigh your bag at home before you leave so there are no surprises at check-in. ",
    "bags": "Booking ahead online is the simplest way to travel with everything you need. ",
    "pets": "Animals travel in a ventilated area of the hold that is heated and pressurised. ",
    "lost": "Keep your baggage receipt until you have collected every bag at your destination. ",
}

FAQ_PAGES = [
    "airnz-baggage-FAQ\n\nChecked baggage weights\n\nQuestion : How heavy can my checked bag "
    "be?\n\nAnswer : Each checked bag may weigh up to 23kg in Economy and 32kg in Business "
    "Premier. Overweight bags up to 32kg incur a fee at the airport.\n\n" + _FILLER["weights"] * 12,
    "Extra bags\n\nQuestion : Can I bring more bags than my standard allowance?\n\nAnswer : If "
    "you need to carry more than you can fit in your baggage allowance, the best option is to "
    "purchase Prepaid Extra Bags. They apply to extra bags or large items like sports gear or "
    "musical instruments. You can buy a Prepaid Extra Bag up to 90 minutes before your "
    "international flight, or up to 30 minutes before a domestic flight.\n\n"
    + _FILLER["bags"]
    * 12,
    "Travelling with pets\n\nQuestion : Can my dog travel with me in the cabin?\n\nAnswer : "
    "Only assistance dogs travel in the cabin. Other pets travel as checked animals in the "
    "hold, booked through our cargo partner at least 48 hours before departure.\n\n"
    + _FILLER["pets"]
    * 12,
    "Lost and delayed baggage\n\nQuestion : What happens if my bag is lost or delayed?\n\n"
    "Answer : Report it at the baggage services desk before you leave the airport and ask for "
    "a Property Irregularity Report. We trace delayed bags and deliver them to you; essential "
    "purchases are reimbursed with receipts.\n\n" + _FILLER["lost"] * 12,
]


def faq_pdf() -> bytes:
    """The FAQ as a four-page PDF."""
    return make_pdf(FAQ_PAGES)
