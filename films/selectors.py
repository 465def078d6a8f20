"""Reads of films that pages, exports and the API share."""
from django.db.models import Prefetch, Q

from .models import Film, FilmStatusChange, Organisation


def film_list():
    return Film.objects.select_related("producer").prefetch_related("genres", "languages")


def film_detail(code: str) -> Film:
    history = FilmStatusChange.objects.order_by("changed_on", "id")
    return (Film.objects.select_related("producer")
            .prefetch_related("genres", "languages", "countries", Prefetch("status_changes", queryset=history))
            .get(code=code))


def search_organisations(q: str, limit: int = 10) -> list[dict]:
    """The register's organisations whose name, identifier or a former name or identifier (alias) contains
    q; a merged record answers as the organisation it was merged into. Names starting with q come first."""
    q = q.strip()
    if len(q) < 2:
        return []
    hits = (Organisation.objects.filter(Q(name__icontains=q) | Q(identifier__icontains=q)
                                        | Q(aliases__name__icontains=q) | Q(aliases__identifier__icontains=q))
            .select_related("merged_into").prefetch_related("aliases").distinct()[: limit * 3])
    found: dict[int, dict] = {}
    for org in hits:
        target = org.merged_into or org
        if target.pk in found:
            continue
        also = [a.name for a in target.aliases.all() if q.lower() in a.name.lower() or q in a.identifier]
        if org is not target:
            also.append(org.name)
        found[target.pk] = {"id": target.pk, "name": target.name, "identifier": target.identifier or "",
                            "also_known_as": sorted(set(also) - {target.name})}
    ranked = sorted(found.values(), key=lambda o: (not o["name"].lower().startswith(q.lower()), o["name"]))
    return ranked[:limit]
