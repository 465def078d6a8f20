"""Reactions to other apps' signals; each hands over to a service at once."""
from .services import release_held_after_registration


def apply_held_for_new_films(sender, codes, **kwargs):
    release_held_after_registration(film_codes=list(codes))
