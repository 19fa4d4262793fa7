//! One request that changes something in Command (a renewal, a reenrollment, an approval), sent at most once
//! from a page: a second click while it is under way sends nothing, nothing is sent after it succeeded, and
//! when its answer was lost (so it may have arrived) the next attempt first looks for its effect, the effect
//! of the *first* lost attempt, which is the earliest one that can have taken effect.
//!
//! `A` is what identifies an attempt well enough to find its effect later (when it was sent, or the job it
//! makes); `T` is what an answer brings; `E` the error, classified by [`Failure`].

/// How an error bears on a request that changes something.
pub trait Failure {
    /// The request may have reached Command although no answer came back.
    fn may_have_taken_effect(&self) -> bool;
    /// The page that sent it went away: nothing to show or record.
    fn is_cancelled(&self) -> bool;
}

/// Where the submission is.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase<T, E> {
    /// Nothing under way; the form can be submitted.
    Ready,
    Sending,
    /// The last attempt failed; submitting again is allowed.
    Failed(E),
    Done(T),
}

/// What to do for a submit: send `attempt`, after looking for the effect of `look_first_for` when set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dispatch<A> {
    pub attempt: A,
    pub look_first_for: Option<A>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Submission<A, T, E> {
    phase: Phase<T, E>,
    /// The attempt under way.
    sending: Option<A>,
    /// The first attempt whose answer was lost, kept until an answer settles what happened.
    unconfirmed: Option<A>,
}

impl<A, T, E> Default for Submission<A, T, E> {
    fn default() -> Self {
        Self {
            phase: Phase::Ready,
            sending: None,
            unconfirmed: None,
        }
    }
}

impl<A: Clone, T, E: Failure> Submission<A, T, E> {
    pub fn phase(&self) -> &Phase<T, E> {
        &self.phase
    }

    pub fn is_sending(&self) -> bool {
        matches!(self.phase, Phase::Sending)
    }

    pub fn outcome(&self) -> Option<&T> {
        match &self.phase {
            Phase::Done(outcome) => Some(outcome),
            _ => None,
        }
    }

    pub fn failure(&self) -> Option<&E> {
        match &self.phase {
            Phase::Failed(error) => Some(error),
            _ => None,
        }
    }

    /// An earlier attempt may have arrived: the next submit looks for it before sending.
    pub fn unconfirmed(&self) -> Option<&A> {
        self.unconfirmed.as_ref()
    }

    /// Starts `attempt` unless one is under way or one succeeded.
    pub fn submit(&mut self, attempt: A) -> Option<Dispatch<A>> {
        if matches!(self.phase, Phase::Sending | Phase::Done(_)) {
            return None;
        }
        self.phase = Phase::Sending;
        self.sending = Some(attempt.clone());
        Some(Dispatch {
            attempt,
            look_first_for: self.unconfirmed.clone(),
        })
    }

    /// Records the answer to the attempt under way (anything else is ignored). A cancelled attempt leaves
    /// the form as it was before the submit.
    pub fn answered(&mut self, answer: Result<T, E>) {
        if !self.is_sending() {
            return;
        }
        let attempt = self.sending.take();
        self.phase = match answer {
            Ok(outcome) => {
                self.unconfirmed = None;
                Phase::Done(outcome)
            }
            Err(error) if error.is_cancelled() => Phase::Ready,
            Err(error) => {
                if error.may_have_taken_effect() && self.unconfirmed.is_none() {
                    self.unconfirmed = attempt;
                }
                Phase::Failed(error)
            }
        };
    }

    /// Forgets everything: the user starts another submission (or, having seen that an earlier attempt went
    /// through, deliberately asks for another).
    pub fn start_over(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq)]
    enum Error {
        Lost,
        Refused,
        Cancelled,
    }

    impl Failure for Error {
        fn may_have_taken_effect(&self) -> bool {
            *self == Error::Lost
        }
        fn is_cancelled(&self) -> bool {
            *self == Error::Cancelled
        }
    }

    type Renewal = Submission<u32, &'static str, Error>;

    fn sending(attempt: u32) -> Renewal {
        let mut submission = Renewal::default();
        submission.submit(attempt).unwrap();
        submission
    }

    #[test]
    fn a_submit_sends_once_and_a_second_click_while_sending_sends_nothing() {
        let mut submission = Renewal::default();
        assert_eq!(submission.phase(), &Phase::Ready);
        assert_eq!(
            submission.submit(1),
            Some(Dispatch {
                attempt: 1,
                look_first_for: None
            })
        );
        assert!(submission.is_sending());
        assert_eq!(submission.submit(2), None);
    }

    #[test]
    fn success_is_final_until_started_over() {
        let mut submission = sending(1);
        submission.answered(Ok("issued"));
        assert_eq!(submission.outcome(), Some(&"issued"));
        assert_eq!(submission.submit(2), None);
        submission.start_over();
        assert_eq!(submission, Renewal::default());
        assert!(submission.submit(3).is_some());
    }

    #[test]
    fn a_refusal_allows_another_submit_with_nothing_to_look_for() {
        let mut submission = sending(1);
        submission.answered(Err(Error::Refused));
        assert_eq!(submission.failure(), Some(&Error::Refused));
        assert_eq!(submission.unconfirmed(), None);
        assert_eq!(submission.submit(2).unwrap().look_first_for, None);
    }

    #[test]
    fn after_lost_answers_each_retry_looks_for_the_first_lost_attempt() {
        let mut submission = sending(1);
        submission.answered(Err(Error::Lost));
        assert_eq!(submission.unconfirmed(), Some(&1));
        assert_eq!(submission.submit(2).unwrap().look_first_for, Some(1));
        submission.answered(Err(Error::Lost));
        assert_eq!(submission.submit(3).unwrap().look_first_for, Some(1));
        // A refusal does not settle whether the first attempt arrived.
        submission.answered(Err(Error::Refused));
        assert_eq!(submission.submit(4).unwrap().look_first_for, Some(1));
        submission.answered(Ok("issued"));
        assert_eq!(submission.unconfirmed(), None);
    }

    #[test]
    fn a_cancelled_attempt_returns_to_ready_and_keeps_what_was_unconfirmed() {
        let mut submission = sending(1);
        submission.answered(Err(Error::Lost));
        submission.submit(2).unwrap();
        submission.answered(Err(Error::Cancelled));
        assert_eq!(submission.phase(), &Phase::Ready);
        assert_eq!(submission.unconfirmed(), Some(&1));
    }

    #[test]
    fn answers_arriving_when_nothing_is_under_way_are_ignored() {
        let mut submission = Renewal::default();
        submission.answered(Ok("stray"));
        assert_eq!(submission.phase(), &Phase::Ready);
        let mut done = sending(1);
        done.answered(Ok("issued"));
        done.answered(Err(Error::Lost));
        assert_eq!(done.outcome(), Some(&"issued"));
        assert_eq!(done.unconfirmed(), None);
    }
}
