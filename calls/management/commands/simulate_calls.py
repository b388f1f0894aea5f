from django.core.management.base import BaseCommand, CommandError

from calls.simulate import Profile, simulate


class Command(BaseCommand):
    help = ("Generate realistic call traffic for the last N days (time-of-day and weekday "
            "profile, Poisson arrivals, talk times, patience and abandonment) through the same "
            "ingestion service as the CTI API. The same seed gives the same calls: running it "
            "twice adds nothing.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--calls-per-day", type=float, default=400,
                            help="calls on a Monday; other days follow the weekday profile")
        parser.add_argument("--queue", default="hotline")

    def handle(self, *args, days, seed, calls_per_day, queue, **options):
        if days < 1:
            raise CommandError("--days must be at least 1")
        report = simulate(days=days, seed=seed,
                          profile=Profile(calls_per_day=calls_per_day, queue=queue))
        self.stdout.write(f"{report.days} days: {report.calls} calls ({report.answered} "
                          f"answered, {report.abandoned} abandoned), {report.events} events "
                          f"added, {len(report.agents)} agents")
